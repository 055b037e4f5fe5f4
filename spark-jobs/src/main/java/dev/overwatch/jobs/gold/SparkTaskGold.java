package dev.overwatch.jobs.gold;

import static org.apache.spark.sql.functions.col;

import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.ConsumerView;
import dev.overwatch.jobs.engine.GoldModule;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WriteMode;
import dev.overwatch.jobs.silver.SparkTasksSilver;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * 3012 Gold_SparkTask -> sparkTask_gold (gold.md 3.17), view sparktask (presentation.md 3.11;
 * task_executor_metrics stays table-only).
 */
public final class SparkTaskGold extends GoldModule {
  public static final TargetTable TARGET = TargetTable.merge("sparkTask_gold", WriteMode.MERGE,
      List.of("spark_context_id", "stage_id", "stage_attempt_id", "task_id", "task_attempt_id", "executor_id",
          "host", "unixTimeMS"), List.of("date", "unixTimeMS"),
      List.of("organization_id", "date"), 4);
  public static final ModuleSpec SPEC = ModuleSpec.of(3012, "Gold_SparkTask", Layer.GOLD, Scope.SPARK_EVENTS,
      TARGET, 2008);
  static final ConsumerView VIEW = ConsumerView.of("sparktask", TARGET, "organization_id", "workspace_name",
      "spark_context_id", "task_id", "task_attempt_id", "stage_id", "stage_attempt_id", "cluster_id", "executor_id",
      "host", "unixTimeMS", "timestamp", "date", "task_runtime", "task_metrics", "task_info", "task_type",
      "task_end_reason", "event_log_start", "event_log_end");

  public SparkTaskGold() {
    super(SPEC, VIEW);
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    Dataset<Row> silver = SparkUiGold.changedSilver(ctx, SparkTasksSilver.TARGET, 4);
    return silver.select(SparkUiGold.withTime(
        List.of(col("organization_id"), col("SparkContextID").as("spark_context_id"), col("TaskID").as("task_id"),
            col("TaskAttempt").as("task_attempt_id"), col("StageID").as("stage_id"),
            col("StageAttemptID").as("stage_attempt_id"), col("clusterId").as("cluster_id"),
            col("ExecutorID").as("executor_id"), col("Host").as("host")),
        col("startTimestamp"),
        List.of(col("TaskRunTime").as("task_runtime"), col("TaskMetrics").as("task_metrics"),
            col("TaskExecutorMetrics").as("task_executor_metrics"), col("TaskInfo").as("task_info"),
            col("TaskType").as("task_type"), col("TaskEndReason").as("task_end_reason"),
            col("startFilenameGroup").as("event_log_start"), col("endFilenameGroup").as("event_log_end"))));
  }
}
