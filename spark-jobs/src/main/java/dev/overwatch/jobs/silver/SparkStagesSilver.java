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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** 2007 Silver_SPARK_Stages -> spark_stages_silver (modules.md 4). */
public final class SparkStagesSilver implements Module {
  public static final TargetTable TARGET = TargetTable.merge("spark_stages_silver", WriteMode.MERGE,
      List.of("SparkContextID", "StageID", "StageAttemptID", "startTimestamp"), List.of("startDate", "startTimestamp"),
      List.of("organization_id", "startDate"), 4);
  public static final ModuleSpec SPEC = ModuleSpec.of(2007, "Silver_SPARK_Stages", Layer.SILVER,
      Scope.SPARK_EVENTS, TARGET, 1006);
  static final StartEndPairing PAIRING = new StartEndPairing(
      List.of("organization_id", "clusterId", "SparkContextID", "StageID", "StageAttemptID"), 1);
  /** Accumulables as Spark writes them, for logs whose stages never reported any. */
  static final StructType ACCUMULABLE = new StructType().add("ID", DataTypes.LongType).add("Name", DataTypes.StringType)
      .add("Value", DataTypes.StringType).add("Internal", DataTypes.BooleanType)
      .add("CountFailedValues", DataTypes.BooleanType);

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    Dataset<Row> starts = SparkUiEvents.read(ctx, 3, "SparkListenerStageSubmitted").select(col("organization_id"),
        col("fileCreateDate"), col("fileCreateEpochMS"), col("clusterId"), col("SparkContextID"),
        col("StageInfo.StageID").as("StageID"), col("StageInfo.StageAttemptID").as("StageAttemptID"),
        col("StageInfo.SubmissionTime").as("SubmissionTime"), col("StageInfo").as("StageStartInfo"),
        col("filenameGroup").as("startFilenameGroup"));
    Dataset<Row> stageEnds = SparkUiEvents.read(ctx, 0, "SparkListenerStageCompleted");
    Dataset<Row> ends = stageEnds.select(col("organization_id"), col("fileCreateDate"), col("clusterId"),
        col("SparkContextID"), col("StageInfo.StageID").as("StageID"),
        col("StageInfo.StageAttemptID").as("StageAttemptID"), col("StageInfo.CompletionTime").as("CompletionTime"),
        SparkUiEvents.opt(stageEnds, "StageInfo.Accumulables", DataTypes.createArrayType(ACCUMULABLE))
            .as("endAccumulables"),
        col("StageInfo").as("StageEndInfo"), col("filenameGroup").as("endFilenameGroup"));
    return PAIRING.pair(starts, ends, "SubmissionTime", "CompletionTime", ctx.window())
        // FailureReason from the end event: Spark only sets it when the stage completes (modules.md 4 note).
        .withColumn("StageInfo", struct(col("endAccumulables").as("Accumulables"),
            col("StageEndInfo.CompletionTime").as("CompletionTime"), col("StageStartInfo.Details").as("Details"),
            col("StageEndInfo.FailureReason").as("FailureReason"),
            col("StageEndInfo.NumberofTasks").as("NumberofTasks"), col("StageStartInfo.ParentIDs").as("ParentIDs"),
            col("StageStartInfo.SubmissionTime").as("SubmissionTime")))
        .withColumn("StageRunTime", RuntimeStruct.of(col("SubmissionTime"), col("CompletionTime")))
        .select(col("organization_id"), col("clusterId"), col("SparkContextID"), col("StageID"),
            col("StageAttemptID"), col("startFilenameGroup"), col("endFilenameGroup"), col("StageInfo"),
            col("StageRunTime"), col("StageRunTime.startEpochMS").as("startTimestamp"),
            to_date(col("StageRunTime.startTS")).as("startDate"));
  }
}
