package dev.overwatch.jobs.silver;

import static org.apache.spark.sql.functions.col;

import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WriteMode;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** 2003 Silver_SPARK_Executors -> spark_executors_silver (modules.md 4). */
public final class SparkExecutorsSilver implements Module {
  public static final TargetTable TARGET = TargetTable.merge("spark_executors_silver", WriteMode.MERGE,
      List.of("SparkContextID", "ExecutorID", "addedTimestamp"), List.of("addedTimestamp"),
      List.of("organization_id"), 30);
  public static final ModuleSpec SPEC = ModuleSpec.of(2003, "Silver_SPARK_Executors", Layer.SILVER,
      Scope.SPARK_EVENTS, TARGET, 1006);
  /** Executors live as long as their cluster: removals are paired with adds up to 30 days older. */
  static final int LAG_DAYS = 30;
  static final StartEndPairing PAIRING = new StartEndPairing(
      List.of("organization_id", "clusterId", "SparkContextID", "ExecutorID"), LAG_DAYS);

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    Dataset<Row> starts = SparkUiEvents.read(ctx, LAG_DAYS, "SparkListenerExecutorAdded").select(
        col("organization_id"), col("fileCreateDate"), col("fileCreateEpochMS"), col("clusterId"),
        col("SparkContextID"), col("ExecutorID"), col("executorInfo").as("executorInfo"),
        col("Timestamp").as("executorAddedTS"), col("filenameGroup").as("startFilenameGroup"));
    Dataset<Row> ends = SparkUiEvents.read(ctx, 0, "SparkListenerExecutorRemoved").select(
        col("organization_id"), col("fileCreateDate"), col("clusterId"), col("SparkContextID"), col("ExecutorID"),
        col("RemovedReason"), col("Timestamp").as("executorRemovedTS"), col("filenameGroup").as("endFilenameGroup"));
    return PAIRING.pair(starts, ends, "executorAddedTS", "executorRemovedTS", ctx.window())
        .withColumn("ExecutorAliveTime", RuntimeStruct.of(col("executorAddedTS"), col("executorRemovedTS"),
            RuntimeStruct.EXECUTOR_ALIVE_TIME))
        .select(col("organization_id"), col("clusterId"), col("SparkContextID"), col("ExecutorID"),
            col("executorInfo"), col("startFilenameGroup"), col("RemovedReason"), col("endFilenameGroup"),
            col("ExecutorAliveTime"), col("ExecutorAliveTime.AddedEpochMS").as("addedTimestamp"));
  }
}
