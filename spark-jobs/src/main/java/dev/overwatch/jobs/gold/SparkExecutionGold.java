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
import dev.overwatch.jobs.silver.SparkExecutionsSilver;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** 3013 Gold_SparkExecution -> sparkExecution_gold (gold.md 3.13), view sparkexecution (presentation.md 3.12). */
public final class SparkExecutionGold extends GoldModule {
  public static final TargetTable TARGET = TargetTable.merge("sparkExecution_gold", WriteMode.MERGE,
      List.of("spark_context_id", "execution_id", "date", "unixTimeMS"), List.of("date", "unixTimeMS"),
      List.of("organization_id"), 4);
  public static final ModuleSpec SPEC = ModuleSpec.of(3013, "Gold_SparkExecution", Layer.GOLD, Scope.SPARK_EVENTS,
      TARGET, 2005);
  static final ConsumerView VIEW = ConsumerView.of("sparkexecution", TARGET, "organization_id", "workspace_name",
      "spark_context_id", "execution_id", "cluster_id", "description", "details", "unixTimeMS", "timestamp", "date",
      "sql_execution_runtime", "event_log_start", "event_log_end");

  public SparkExecutionGold() {
    super(SPEC, VIEW);
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    Dataset<Row> silver = SparkUiGold.changedSilver(ctx, SparkExecutionsSilver.TARGET, 4);
    return silver.select(SparkUiGold.withTime(
        List.of(col("organization_id"), col("SparkContextID").as("spark_context_id"),
            col("ExecutionID").as("execution_id"), col("clusterId").as("cluster_id"), col("description"),
            col("details")),
        col("startTimestamp"),
        List.of(col("SqlExecutionRunTime").as("sql_execution_runtime"),
            col("startFilenameGroup").as("event_log_start"), col("endFilenameGroup").as("event_log_end"))));
  }
}
