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

/** 2005 Silver_SPARK_Executions -> spark_Executions_silver (modules.md 4). */
public final class SparkExecutionsSilver implements Module {
  public static final TargetTable TARGET = TargetTable.merge("spark_Executions_silver", WriteMode.MERGE,
      List.of("SparkContextID", "ExecutionID", "startTimestamp"), List.of("startTimestamp"),
      List.of("organization_id"), 4);
  public static final ModuleSpec SPEC = ModuleSpec.of(2005, "Silver_SPARK_Executions", Layer.SILVER,
      Scope.SPARK_EVENTS, TARGET, 1006);
  static final String START = "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart";
  static final String END = "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd";
  static final List<String> PER_EXECUTION = List.of("organization_id", "SparkContextID", "ExecutionID");
  static final StartEndPairing PAIRING = new StartEndPairing(
      List.of("organization_id", "clusterId", "SparkContextID", "ExecutionID"), 1);

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    Dataset<Row> starts = SparkUiEvents.firstPerKey(SparkUiEvents.read(ctx, 3, START).select(
            col("organization_id"), col("fileCreateDate"), col("fileCreateEpochMS"), col("clusterId"),
            col("SparkContextID"), col("description"), col("details"), col("executionId").as("ExecutionID"),
            col("time").as("SqlExecStartTime"), col("filenameGroup").as("startFilenameGroup")),
        PER_EXECUTION, col("SqlExecStartTime").asc_nulls_last());
    // The latest end per execution (the original's rank/row_number mix kept nothing when ends repeated).
    Dataset<Row> ends = SparkUiEvents.firstPerKey(SparkUiEvents.read(ctx, 0, END).select(
            col("organization_id"), col("fileCreateDate"), col("clusterId"), col("SparkContextID"),
            col("executionId").as("ExecutionID"), col("time").as("SqlExecEndTime"),
            col("filenameGroup").as("endFilenameGroup")),
        PER_EXECUTION, col("SqlExecEndTime").desc_nulls_last());
    return PAIRING.pair(starts, ends, "SqlExecStartTime", "SqlExecEndTime", ctx.window())
        .withColumn("SqlExecutionRunTime", RuntimeStruct.of(col("SqlExecStartTime"), col("SqlExecEndTime")))
        .select(col("organization_id"), col("clusterId"), col("SparkContextID"), col("description"),
            col("details"), col("ExecutionID"), col("startFilenameGroup"), col("endFilenameGroup"),
            col("SqlExecutionRunTime"), col("SqlExecStartTime").cast("long").as("startTimestamp"));
  }
}
