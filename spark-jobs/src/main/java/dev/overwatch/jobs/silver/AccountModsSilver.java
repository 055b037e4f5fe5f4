package dev.overwatch.jobs.silver;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;

import dev.overwatch.jobs.bronze.AuditLogBronze;
import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.TargetTable;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * 2017 Silver_ModifiedAccounts -> account_mods_silver (modules.md 2017): user and group administration from the
 * audit log (users added, deleted, updated, made admin, added to or removed from groups), with who did it.
 */
public final class AccountModsSilver extends AuditSilverModule {
  public static final TargetTable TARGET = TargetTable.append("account_mods_silver", List.of("requestId"),
      List.of("timestamp"), List.of(TargetTable.ORG, TargetTable.NOISE));
  public static final ModuleSpec SPEC = ModuleSpec.of(2017, "Silver_ModifiedAccounts", Layer.SILVER, Scope.ACCOUNTS,
      TARGET, 1004);
  static final List<String> ACTIONS = List.of("add", "addPrincipalToGroup", "removePrincipalFromGroup", "setAdmin",
      "updateUser", "delete");

  public AccountModsSilver() {
    super(SPEC);
  }

  /** The account-modification rows of audit_log_bronze rows. */
  @Override
  Dataset<Row> fromAudit(Dataset<Row> audit) {
    // An event that names the user but not its id takes the id of a later event of the same user.
    var later = Window.partitionBy("organization_id", "user_name").orderBy("timestamp")
        .rowsBetween(Window.currentRow(), Window.unboundedFollowing());
    return audit.where(col("serviceName").equalTo("accounts").and(col("actionName").isin(ACTIONS.toArray())))
        .select(col("date"), col("timestamp"), col("organization_id"), col("serviceName"), col("actionName"),
            col("requestParams.endpoint").as("endpoint"), col("requestId"), col("userIdentity.email").as("modified_by"),
            col("requestParams.targetUserName").as("user_name"), col("requestParams.targetUserId").as("user_id"),
            col("requestParams.targetGroupName").as("group_name"), col("requestParams.targetGroupId").as("group_id"),
            col("sourceIPAddress"), col("userAgent"), AuditLogBronze.response().as("response"))
        .withColumn("user_id", coalesce(col("user_id"), first(col("user_id"), true).over(later)));
  }
}
