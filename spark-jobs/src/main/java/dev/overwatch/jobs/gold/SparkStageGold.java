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
import dev.overwatch.jobs.silver.SparkStagesSilver;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** 3011 Gold_SparkStage -> sparkStage_gold (gold.md 3.16), view sparkstage (presentation.md 3.10). */
public final class SparkStageGold extends GoldModule {
  public static final TargetTable TARGET = TargetTable.merge("sparkStage_gold", WriteMode.MERGE,
      List.of("spark_context_id", "stage_id", "stage_attempt_id", "unixTimeMS"), List.of("date", "unixTimeMS"),
      List.of("organization_id", "date"), 4);
  public static final ModuleSpec SPEC = ModuleSpec.of(3011, "Gold_SparkStage", Layer.GOLD, Scope.SPARK_EVENTS,
      TARGET, 2007);
  static final ConsumerView VIEW = ConsumerView.of("sparkstage", TARGET, "organization_id", "workspace_name",
      "spark_context_id", "stage_id", "stage_attempt_id", "cluster_id", "unixTimeMS", "timestamp", "date",
      "stage_runtime", "stage_info", "event_log_start", "event_log_end");

  public SparkStageGold() {
    super(SPEC, VIEW);
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    Dataset<Row> silver = SparkUiGold.changedSilver(ctx, SparkStagesSilver.TARGET, 4);
    return silver.select(SparkUiGold.withTime(
        List.of(col("organization_id"), col("SparkContextID").as("spark_context_id"), col("StageID").as("stage_id"),
            col("StageAttemptID").as("stage_attempt_id"), col("clusterId").as("cluster_id")),
        col("startTimestamp"),
        List.of(col("StageRunTime").as("stage_runtime"), col("StageInfo").as("stage_info"),
            col("startFilenameGroup").as("event_log_start"), col("endFilenameGroup").as("event_log_end"))));
  }
}
