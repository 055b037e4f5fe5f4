package dev.overwatch.jobs.silver;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import dev.overwatch.jobs.bronze.AuditLogBronze;
import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.TargetTable;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * 2018 Silver_Notebooks -> notebook_silver (modules.md 2018): successful notebook metadata actions (create,
 * rename, move, delete, attach, ...) from the audit log; the name comes from the path when the action has none.
 * Command executions (runCommand) are not metadata: they go to notebookCommands_gold (decision 302).
 */
public final class NotebookSilver extends AuditSilverModule {
  public static final TargetTable TARGET = TargetTable.append("notebook_silver",
      List.of("notebookId", "requestId", "actionName", "timestamp"), List.of("timestamp"),
      List.of(TargetTable.ORG, TargetTable.NOISE));
  public static final ModuleSpec SPEC = ModuleSpec.of(2018, "Silver_Notebooks", Layer.SILVER, Scope.NOTEBOOKS,
      TARGET, 1004);

  public NotebookSilver() {
    super(SPEC);
  }

  /** The notebook rows of audit_log_bronze rows. */
  @Override
  Dataset<Row> fromAudit(Dataset<Row> audit) {
    return audit.where(col("serviceName").equalTo("notebook").and(col("actionName").notEqual("runCommand"))
            .and(col("response.statusCode").equalTo(200)))
        .select(col("timestamp"), col("date"), col("organization_id"), col("serviceName"), col("actionName"),
            col("userIdentity.email").as("userEmail"), col("requestId"), AuditLogBronze.response().as("response"),
            col("requestParams.notebookId").as("notebookId"),
            coalesce(col("requestParams.notebookName"),
                expr("nullif(regexp_extract(requestParams.path, '([^/]+)/*$', 1), '')")).as("notebookName"),
            col("requestParams.path").as("path"), col("requestParams.oldName").as("oldName"),
            col("requestParams.oldPath").as("oldPath"), col("requestParams.newName").as("newName"),
            col("requestParams.newPath").as("newPath"), col("requestParams.parentPath").as("parentPath"),
            col("requestParams.clusterId").as("clusterId"));
  }
}
