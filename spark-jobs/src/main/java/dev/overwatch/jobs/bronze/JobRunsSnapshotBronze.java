package dev.overwatch.jobs.bronze;

import dev.overwatch.api.v1alpha1.OverwatchDeploymentSpec;
import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.SchemaEnforcer;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WorkspaceConfig;
import dev.overwatch.jobs.sources.DatabricksApi.Paging;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * 1012 Bronze_Job_Runs_Snapshot -> job_runs_snapshot_bronze (only with features.jobRunSnapshot):
 * the runs started in the window from jobs/runs/list (2.1, tasks expanded), cluster specs and task
 * parameters as maps.
 */
public final class JobRunsSnapshotBronze implements Module {
  public static final TargetTable TARGET = SnapshotSupport.snapshotTarget("job_runs_snapshot_bronze", "job_id", "run_id");
  public static final ModuleSpec SPEC = ModuleSpec.of(1012, "Bronze_Job_Runs_Snapshot", Layer.BRONZE, Scope.JOBS, TARGET);
  static final StructType MINIMUM = SchemaEnforcer.fields("job_id:long", "run_id:long", "number_in_job:long",
          "original_attempt_run_id:long", "start_time:long", "setup_duration:long", "execution_duration:long",
          "cleanup_duration:long", "end_time:long", "trigger", "run_name", "run_type", "creator_user_name")
      .add("state", SchemaEnforcer.fields("life_cycle_state", "result_state", "state_message"), true)
      .add("cluster_instance", SchemaEnforcer.fields("cluster_id", "spark_context_id"), true);
  private static final Map<String, DataType> SHAPES = SnapshotSupport.shapes(
      SnapshotSupport.taskMaps(""), SnapshotSupport.clusterMaps("cluster_spec.new_cluster"));

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  /** Experimental and slow on busy workspaces (25 runs per call): opt-in. */
  @Override
  public boolean appliesTo(WorkspaceConfig workspace, OverwatchDeploymentSpec deployment) {
    return deployment.features != null && Boolean.TRUE.equals(deployment.features.jobRunSnapshot);
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    // start_time_to is inclusive on the server: stop 1 ms early so consecutive windows never share a run.
    Map<String, String> query = Map.of("limit", "25", "expand_tasks", "true",
        "start_time_from", String.valueOf(ctx.window().fromTS()),
        "start_time_to", String.valueOf(ctx.window().untilTS() - 1));
    List<String> runs = ctx.api().getAll("/api/2.1/jobs/runs/list", query, "runs", Paging.HAS_MORE);
    return SnapshotSupport.fromApi(ctx, runs, "job runs started in the window", SHAPES, MINIMUM);
  }
}
