package dev.overwatch.jobs.bronze;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.SchemaEnforcer;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WriteMode;
import dev.overwatch.jobs.sources.DatabricksApi;
import dev.overwatch.jobs.sources.FanOut;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * 1005 Bronze_ClusterEventLogs -> cluster_events_bronze: clusters/events (next_page bodies) for the
 * clusters with new activity (audit of the window + 1 lag day, rule A, plus RUNNING in the latest
 * snapshot), from one day before the window (epoch 0 on the first run) to its end. Re-fetched
 * events are ignored by the insert-only merge; failed calls go to cluster_events_errors_bronze.
 */
public final class ClusterEventsBronze implements Module {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long DAY_MS = 86_400_000L;
  private static final int PAGE = 500;

  public static final TargetTable TARGET = TargetTable.merge("cluster_events_bronze", WriteMode.MERGE_INSERT,
      List.of("cluster_id", "type", "timestamp"), List.of("timestamp"), List.of(TargetTable.ORG, TargetTable.NOISE), 33);
  public static final TargetTable ERRORS = SnapshotSupport.errorTarget("cluster_events_errors_bronze");
  public static final ModuleSpec SPEC = ModuleSpec.of(1005, "Bronze_ClusterEventLogs", Layer.BRONZE,
      Scope.CLUSTER_EVENTS, TARGET, 1004).withHardLimitMaxHistoryDays(60).withSideTargets(ERRORS);
  private static final StructType SIZE = new StructType()
      .add("num_workers", DataTypes.LongType, true)
      .add("autoscale", SchemaEnforcer.fields("min_workers:long", "max_workers:long"), true);
  /** clusterEventsMinimumSchema (inputs.md 2.3). */
  static final StructType MINIMUM = new StructType()
      .add("cluster_id", DataTypes.StringType, false)
      .add("timestamp", DataTypes.LongType, false)
      .add("type", DataTypes.StringType, true)
      .add("details", SchemaEnforcer.fields("current_num_workers:long", "target_num_workers:long", "user", "cause",
              "disk_size:long", "free_space:long", "previous_disk_size:long", "instance_id", "driver_state_message",
              "job_run_name")
          .add("cluster_size", SIZE, true)
          .add("previous_cluster_size", SIZE, true)
          .add("reason", SchemaEnforcer.fields("code", "type"), true), true);
  private static final Map<String, DataType> SHAPES = SnapshotSupport.shapes(
      SnapshotSupport.clusterMaps("details.attributes"), SnapshotSupport.clusterMaps("details.previous_attributes"));

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    if (!ctx.tableExists(ClustersSnapshotBronze.TARGET)) {
      throw new NoNewDataException("no clusters snapshot yet (clusters_snapshot_bronze)", false);
    }
    TreeSet<String> ids = ClusterIds.runningInLatestSnapshot(ctx.readAll(ClustersSnapshotBronze.TARGET));
    if (ctx.tableExists(AuditLogBronze.TARGET)) {
      ids.addAll(ClusterIds.distinctFromAudit(ctx.readIncremental(AuditLogBronze.TARGET, 1), false));
    }
    if (ids.isEmpty()) {
      throw new NoNewDataException("no cluster with activity in the window", false);
    }
    // One day of overlap catches events delivered late; the first run reaches back to the beginning.
    long start = ctx.window().firstRun() ? 0L : ctx.window().fromTS() - DAY_MS;
    long end = ctx.window().untilTS();
    DatabricksApi api = ctx.api();
    List<FanOut.Outcome<List<String>>> outcomes = FanOut.run(ids, FanOut.THREADS, id -> api.postAll(
        "/api/2.0/clusters/events", JSON.createObjectNode().put("cluster_id", id).put("start_time", start)
            .put("end_time", end).put("limit", PAGE).toString(), "events"));
    List<FanOut.Outcome<?>> failed = outcomes.stream().filter(FanOut.Outcome::failed).<FanOut.Outcome<?>>map(o -> o).toList();
    if (!failed.isEmpty()) {
      ctx.sideOutput(ERRORS, SnapshotSupport.errorRows(ctx, failed, start, end));
    }
    List<String> events = outcomes.stream().filter(o -> !o.failed()).flatMap(o -> o.value().stream()).toList();
    return SnapshotSupport.fromApi(ctx, events, "cluster events", SHAPES, MINIMUM);
  }
}
