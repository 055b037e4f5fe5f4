package dev.overwatch.jobs.gold;

import static org.apache.spark.sql.functions.col;

import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.ConsumerView;
import dev.overwatch.jobs.engine.GoldModule;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.silver.AccountModsSilver;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * 3007 Gold_AccountMod -> account_mods_gold (gold.md 3.12), view accountmod in the ETL database only
 * (presentation.md 3.19, 7.8): user and group changes of account_mods_silver's window, renamed.
 */
public final class AccountModGold extends GoldModule {
  public static final TargetTable TARGET = TargetTable.append("account_mods_gold",
      List.of("action", "mod_unixTimeMS", "request_id"), List.of("mod_unixTimeMS"),
      List.of(TargetTable.ORG, TargetTable.NOISE));
  public static final ModuleSpec SPEC = ModuleSpec.of(3007, "Gold_AccountMod", Layer.GOLD, Scope.ACCOUNTS, TARGET,
      2017);
  static final ConsumerView VIEW = ConsumerView.of("accountmod", TARGET, "organization_id", "workspace_name",
      "mod_unixTimeMS", "mod_date", "action", "endpoint", "modified_by", "user_name", "user_id", "group_name",
      "group_id", "from_ip_address", "user_agent", "request_id", "response").inEtlDatabase();

  public AccountModGold() {
    super(SPEC, VIEW);
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    if (!ctx.tableExists(AccountModsSilver.TARGET)) {
      throw new NoNewDataException("account_mods_silver does not exist yet", true);
    }
    return ctx.readIncremental(AccountModsSilver.TARGET, 0).select(col("organization_id"),
        col("timestamp").as("mod_unixTimeMS"), col("date").as("mod_date"), col("actionName").as("action"),
        col("endpoint"), col("modified_by"), col("user_name"), col("user_id"), col("group_name"), col("group_id"),
        col("sourceIPAddress").as("from_ip_address"), col("userAgent").as("user_agent"),
        col("requestId").as("request_id"), col("response"));
  }
}
