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
import dev.overwatch.jobs.silver.SparkExecutorsSilver;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** 3014 Gold_SparkExecutor -> sparkExecutor_gold (gold.md 3.14), view sparkexecutor (presentation.md 3.13). */
public final class SparkExecutorGold extends GoldModule {
  public static final TargetTable TARGET = TargetTable.merge("sparkExecutor_gold", WriteMode.MERGE,
      List.of("spark_context_id", "executor_id", "date", "unixTimeMS"), List.of("date", "unixTimeMS"),
      List.of("organization_id"), 4);
  public static final ModuleSpec SPEC = ModuleSpec.of(3014, "Gold_SparkExecutor", Layer.GOLD, Scope.SPARK_EVENTS,
      TARGET, 2003);
  static final ConsumerView VIEW = ConsumerView.of("sparkexecutor", TARGET, "organization_id", "workspace_name",
      "spark_context_id", "executor_id", "cluster_id", "executor_info", "removed_reason", "executor_alivetime",
      "unixTimeMS", "timestamp", "date", "event_log_start", "event_log_end");

  public SparkExecutorGold() {
    super(SPEC, VIEW);
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    Dataset<Row> silver = SparkUiGold.changedSilver(ctx, SparkExecutorsSilver.TARGET, 31);
    return silver.select(SparkUiGold.withTime(
        List.of(col("organization_id"), col("SparkContextID").as("spark_context_id"),
            col("ExecutorID").as("executor_id"), col("clusterId").as("cluster_id"),
            col("executorInfo").as("executor_info"), col("RemovedReason").as("removed_reason"),
            col("ExecutorAliveTime").as("executor_alivetime")),
        col("addedTimestamp"),
        List.of(col("startFilenameGroup").as("event_log_start"), col("endFilenameGroup").as("event_log_end"))));
  }
}
