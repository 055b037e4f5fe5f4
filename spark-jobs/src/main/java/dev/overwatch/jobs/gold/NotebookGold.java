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
import dev.overwatch.jobs.silver.NotebookSilver;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * 3004 Gold_Notebook -> notebook_gold (gold.md 3.9), view notebook (presentation.md 3.7): the notebook metadata
 * actions of notebook_silver's window, renamed.
 */
public final class NotebookGold extends GoldModule {
  public static final TargetTable TARGET = TargetTable.append("notebook_gold",
      List.of("notebook_id", "request_id", "action", "unixTimeMS"), List.of("unixTimeMS"), List.of(TargetTable.ORG));
  public static final ModuleSpec SPEC = ModuleSpec.of(3004, "Gold_Notebook", Layer.GOLD, Scope.NOTEBOOKS, TARGET,
      2018);
  static final ConsumerView VIEW = ConsumerView.of("notebook", TARGET, "organization_id", "workspace_name",
      "notebook_id", "notebook_name", "notebook_path", "cluster_id", "action", "unixTimeMS", "timestamp", "date",
      "old_name", "old_path", "new_name", "new_path", "parent_path", "user_email", "request_id", "response");

  public NotebookGold() {
    super(SPEC, VIEW);
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    if (!ctx.tableExists(NotebookSilver.TARGET)) {
      throw new NoNewDataException("notebook_silver does not exist yet", true);
    }
    return ctx.readIncremental(NotebookSilver.TARGET, 0).select(SparkUiGold.withTime(
        List.of(col("organization_id"), col("notebookId").as("notebook_id"), col("notebookName").as("notebook_name"),
            col("path").as("notebook_path"), col("clusterId").as("cluster_id"), col("actionName").as("action")),
        col("timestamp"),
        List.of(col("oldName").as("old_name"), col("oldPath").as("old_path"), col("newName").as("new_name"),
            col("newPath").as("new_path"), col("parentPath").as("parent_path"), col("userEmail").as("user_email"),
            col("requestId").as("request_id"), col("response"))));
  }
}
