package dev.overwatch.jobs.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import dev.overwatch.jobs.bronze.AuditLogBronze;
import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.TargetTable;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * 2016 Silver_AccountLogins -> account_login_silver (modules.md 2016): every login of the window from the audit
 * log, failed ones included (the response says how it ended): accounts actions whose name contains "login"
 * and ssh logins (login_type "ssh", with their ssh details).
 */
public final class AccountLoginSilver extends AuditSilverModule {
  public static final TargetTable TARGET = TargetTable.append("account_login_silver",
      List.of("timestamp", "login_type", "requestId", "sourceIPAddress"), List.of("timestamp"),
      List.of(TargetTable.ORG, TargetTable.NOISE)).withDedup();
  public static final ModuleSpec SPEC = ModuleSpec.of(2016, "Silver_AccountLogins", Layer.SILVER, Scope.ACCOUNTS,
      TARGET, 1004);

  public AccountLoginSilver() {
    super(SPEC);
  }

  /** The login rows of audit_log_bronze rows. */
  @Override
  Dataset<Row> fromAudit(Dataset<Row> audit) {
    Column ssh = col("serviceName").equalTo("ssh").and(col("actionName").equalTo("login"));
    // Null-safe: a failed login may come without an identity; only the internal dbadmin actor is left out.
    Column accountLogin = col("serviceName").equalTo("accounts").and(lower(col("actionName")).contains("login"))
        .and(not(col("userIdentity.email").eqNullSafe("dbadmin")));
    Column sshDetails = when(col("actionName").equalTo("ssh"), struct(
        col("requestParams.instanceId").as("instance_id"), col("requestParams.port").cast("string").as("login_port"),
        col("sessionId").as("session_id"), col("requestParams.publicKey").as("login_public_key"),
        col("requestParams.containerId").as("container_id"),
        col("requestParams.userName").as("container_user_name")));
    return audit.where(accountLogin.or(ssh))
        .withColumn("actionName", when(ssh, lit("ssh")).otherwise(col("actionName")))
        .select(col("timestamp"), col("organization_id"), col("date").as("login_date"), col("serviceName"),
            col("actionName").as("login_type"), col("requestParams.user").as("login_user"),
            col("userIdentity.email").as("user_email"), col("sourceIPAddress"), col("userAgent"), col("requestId"),
            AuditLogBronze.response().as("response"), sshDetails.as("ssh_login_details"));
  }
}
