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
import dev.overwatch.jobs.silver.AccountLoginSilver;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * 3008 Gold_AccountLogin -> account_login_gold (gold.md 3.11), view accountlogin in the ETL database only
 * (presentation.md 3.18, 7.8): the logins of account_login_silver's window, failed ones included, renamed. The
 * original's user-id join to account_mods_silver had no effect and is left out (gold.md 3.11); the view lists
 * both ssh_login_details and from_ip_address (decision 301).
 */
public final class AccountLoginGold extends GoldModule {
  public static final TargetTable TARGET = TargetTable.append("account_login_gold",
      List.of("request_id", "login_type", "login_unixTimeMS", "from_ip_address"), List.of("login_unixTimeMS"),
      List.of(TargetTable.ORG, TargetTable.NOISE)).withDedup();
  public static final ModuleSpec SPEC = ModuleSpec.of(3008, "Gold_AccountLogin", Layer.GOLD, Scope.ACCOUNTS, TARGET,
      2016);
  static final ConsumerView VIEW = ConsumerView.of("accountlogin", TARGET, "organization_id", "workspace_name",
      "login_unixTimeMS", "login_date", "login_type", "login_user", "user_email", "ssh_login_details",
      "from_ip_address", "user_agent", "request_id", "response").inEtlDatabase();

  public AccountLoginGold() {
    super(SPEC, VIEW);
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    if (!ctx.tableExists(AccountLoginSilver.TARGET)) {
      throw new NoNewDataException("account_login_silver does not exist yet", true);
    }
    return ctx.readIncremental(AccountLoginSilver.TARGET, 0).select(col("organization_id"),
        col("timestamp").as("login_unixTimeMS"), col("login_date"), col("login_type"), col("login_user"),
        col("user_email"), col("ssh_login_details"), col("sourceIPAddress").as("from_ip_address"),
        col("userAgent").as("user_agent"), col("requestId").as("request_id"), col("response"));
  }
}
