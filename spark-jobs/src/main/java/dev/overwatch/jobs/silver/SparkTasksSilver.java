package dev.overwatch.jobs.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_date;

import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WriteMode;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** 2008 Silver_SPARK_Tasks -> spark_tasks_silver (modules.md 4). */
public final class SparkTasksSilver implements Module {
  public static final TargetTable TARGET = TargetTable.merge("spark_tasks_silver", WriteMode.MERGE,
      List.of("SparkContextID", "StageID", "StageAttemptID", "TaskID", "TaskAttempt", "ExecutorID", "Host",
          "startTimestamp"),
      List.of("startDate", "startTimestamp"), List.of("organization_id", "startDate"), 4);
  public static final ModuleSpec SPEC = ModuleSpec.of(2008, "Silver_SPARK_Tasks", Layer.SILVER,
      Scope.SPARK_EVENTS, TARGET, 1006);
  static final StartEndPairing PAIRING = new StartEndPairing(List.of("organization_id", "clusterId",
      "SparkContextID", "StageID", "StageAttemptID", "TaskID", "TaskAttempt", "ExecutorID", "Host"), 1);

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    Dataset<Row> taskStarts = SparkUiEvents.read(ctx, 3, "SparkListenerTaskStart");
    Dataset<Row> starts = taskStarts.select(withKeys(col("fileCreateEpochMS"), col("TaskInfo.LaunchTime").as("LaunchTime"),
        col("TaskInfo").as("TaskStartInfo"), col("filenameGroup").as("startFilenameGroup")));
    Dataset<Row> taskEnds = SparkUiEvents.read(ctx, 0, "SparkListenerTaskEnd");
    Dataset<Row> ends = taskEnds.select(withKeys(col("TaskEndReason"), col("TaskInfo.FinishTime").as("FinishTime"),
            col("TaskMetrics"), col("TaskType"), col("TaskExecutorMetrics"),
            col("filenameGroup").as("endFilenameGroup"),
            end(taskEnds, "Accumulables", DataTypes.createArrayType(SparkStagesSilver.ACCUMULABLE)),
            end(taskEnds, "Failed", DataTypes.BooleanType), end(taskEnds, "GettingResultTime", DataTypes.LongType),
            end(taskEnds, "Host", DataTypes.StringType), end(taskEnds, "Index", DataTypes.LongType),
            end(taskEnds, "Killed", DataTypes.BooleanType), end(taskEnds, "Locality", DataTypes.StringType),
            end(taskEnds, "Speculative", DataTypes.BooleanType)));
    return PAIRING.pair(starts, ends, "LaunchTime", "FinishTime", ctx.window())
        .withColumn("TaskInfo", struct(col("end_Accumulables").as("Accumulables"), col("end_Failed").as("Failed"),
            col("FinishTime"), col("end_GettingResultTime").as("GettingResultTime"), col("end_Host").as("Host"),
            col("end_Index").as("Index"), col("end_Killed").as("Killed"), col("LaunchTime"),
            col("end_Locality").as("Locality"), col("end_Speculative").as("Speculative")))
        .withColumn("TaskRunTime", RuntimeStruct.of(col("LaunchTime"), col("FinishTime")))
        .select(col("organization_id"), col("clusterId"), col("SparkContextID"), col("StageID"),
            col("StageAttemptID"), col("TaskID"), col("ExecutorID"), col("TaskAttempt"), col("Host"),
            col("startFilenameGroup"), col("TaskEndReason"), col("TaskMetrics"), col("TaskType"),
            col("TaskExecutorMetrics"), col("endFilenameGroup"), col("TaskInfo"), col("TaskRunTime"),
            col("TaskRunTime.startEpochMS").as("startTimestamp"), to_date(col("TaskRunTime.startTS")).as("startDate"));
  }

  /** The pairing keys (task identity from TaskInfo) followed by the event's own columns. */
  private static Column[] withKeys(Column... own) {
    List<Column> keys = List.of(col("organization_id"), col("fileCreateDate"), col("clusterId"),
        col("SparkContextID"), col("StageID"), col("StageAttemptID"), col("TaskInfo.TaskID").as("TaskID"),
        col("TaskInfo.Attempt").as("TaskAttempt"), col("TaskInfo.ExecutorID").as("ExecutorID"),
        col("TaskInfo.Host").as("Host"));
    return java.util.stream.Stream.concat(keys.stream(), java.util.Arrays.stream(own)).toArray(Column[]::new);
  }

  private static Column end(Dataset<Row> taskEnds, String field, DataType fallback) {
    return SparkUiEvents.opt(taskEnds, "TaskInfo." + field, fallback).as("end_" + field);
  }
}
