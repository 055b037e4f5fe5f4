package dev.overwatch.jobs.bronze;

import static dev.overwatch.jobs.bronze.SnapshotSupport.STRING_MAP;

import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.SchemaEnforcer;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.sources.DatabricksApi.Paging;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * 1001 Bronze_Jobs_Snapshot -> jobs_snapshot_bronze: every job of jobs/list (2.1, tasks expanded),
 * with tags, task parameters and every new_cluster's free-form objects as maps.
 */
public final class JobsSnapshotBronze implements Module {
  public static final TargetTable TARGET = SnapshotSupport.snapshotTarget("jobs_snapshot_bronze", "job_id");
  public static final ModuleSpec SPEC = ModuleSpec.of(1001, "Bronze_Jobs_Snapshot", Layer.BRONZE, Scope.JOBS, TARGET);
  /** jobSnapMinimumSchema (inputs.md 2.3), the scalar and map parts; task arrays pass through as inferred. */
  static final StructType MINIMUM = SchemaEnforcer.fields("job_id:long", "created_time:long", "creator_user_name",
      "run_as_user_name", "job_type")
      .add("settings", SnapshotSupport.minimum(List.of("name", "existing_cluster_id", "max_concurrent_runs:long",
          "max_retries:long", "timeout_seconds:long", "retry_on_timeout:boolean", "min_retry_interval_millis:long",
          "format"), "tags")
          .add("schedule", SchemaEnforcer.fields("quartz_cron_expression", "timezone_id", "pause_status"), true), true);
  private static final Map<String, DataType> SHAPES = SnapshotSupport.shapes(
      SnapshotSupport.taskMaps("settings"),
      SnapshotSupport.clusterMaps("settings.new_cluster"),
      Map.of("settings.tags", STRING_MAP, "settings.notebook_task.base_parameters", STRING_MAP));

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    List<String> jobs = ctx.api().getAll("/api/2.1/jobs/list", Map.of("limit", "25", "expand_tasks", "true"), "jobs",
        Paging.HAS_MORE);
    return SnapshotSupport.fromApi(ctx, jobs, "jobs", SHAPES, MINIMUM);
  }
}
