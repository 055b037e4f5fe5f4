package dev.overwatch.jobs.bronze;

import static dev.overwatch.jobs.bronze.SnapshotSupport.STRING_MAP;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.SchemaEnforcer;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.sources.ApiException;
import dev.overwatch.jobs.sources.DatabricksApi;
import dev.overwatch.jobs.sources.DatabricksApi.Paging;
import dev.overwatch.jobs.sources.FanOut;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 1002 Bronze_Clusters_Snapshot -> clusters_snapshot_bronze: clusters/get for every cluster named
 * by audit activity of the window (+1 lag day, rule B) or listed by clusters/list, so recently
 * terminated clusters are captured too. Failed gets go to clusters_snapshot_error_bronze.
 */
public final class ClustersSnapshotBronze implements Module {
  private static final Logger LOG = LoggerFactory.getLogger(ClustersSnapshotBronze.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  public static final TargetTable TARGET = SnapshotSupport.snapshotTarget("clusters_snapshot_bronze", "cluster_id");
  public static final TargetTable ERRORS = SnapshotSupport.errorTarget("clusters_snapshot_error_bronze");
  public static final ModuleSpec SPEC = ModuleSpec.of(1002, "Bronze_Clusters_Snapshot", Layer.BRONZE, Scope.CLUSTERS,
      TARGET).withSideTargets(ERRORS);
  /** clusterSnapMinimumSchema (inputs.md 2.3); init_scripts passes through (its element kinds vary). */
  static final StructType MINIMUM = SnapshotSupport.minimum(List.of("cluster_id", "cluster_name", "state",
          "spark_version", "effective_spark_version", "runtime_engine", "node_type_id", "driver_node_type_id",
          "num_workers:long", "autotermination_minutes:long", "enable_elastic_disk:boolean",
          "enable_local_disk_encryption:boolean", "instance_pool_id", "driver_instance_pool_id", "cluster_source",
          "creator_user_name", "single_user_name", "start_time:long", "terminated_time:long"),
      "default_tags", "custom_tags", "spark_conf", "spark_env_vars", "aws_attributes", "azure_attributes",
      "gcp_attributes")
      .add("autoscale", SchemaEnforcer.fields("max_workers:long", "min_workers:long"), true)
      .add("cluster_log_conf", new StructType()
          .add("dbfs", SchemaEnforcer.fields("destination"), true)
          .add("s3", SchemaEnforcer.fields("destination", "region", "enable_encryption:boolean", "canned_acl"), true), true);
  private static final Map<String, DataType> SHAPES = SnapshotSupport.shapes(SnapshotSupport.clusterMaps(""),
      Map.of("default_tags", STRING_MAP, "spec", SnapshotSupport.DROP));

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    TreeSet<String> ids = new TreeSet<>();
    if (ctx.tableExists(AuditLogBronze.TARGET)) {
      ids.addAll(ClusterIds.distinctFromAudit(ctx.readIncremental(AuditLogBronze.TARGET, 1), true));
    }
    // The original skipped the snapshot in quiet windows (no audit rows); listing still sees every defined cluster.
    DatabricksApi api = ctx.api();
    try {
      for (String c : api.getAll("/api/2.0/clusters/list", Map.of(), "clusters", Paging.HAS_MORE)) {
        String id = JSON.readTree(c).path("cluster_id").asText("");
        if (!id.isEmpty()) {
          ids.add(id);
        }
      }
    } catch (ApiException | IOException e) {
      LOG.warn("clusters/list failed for workspace {}; continuing with the clusters named in audit logs: {}",
          ctx.workspace().name(), e.getMessage());
    }
    if (ids.isEmpty()) {
      throw new NoNewDataException("no clusters in the audit logs of the window nor in clusters/list", false);
    }
    List<FanOut.Outcome<String>> outcomes = FanOut.run(ids, FanOut.THREADS,
        id -> api.get("/api/2.0/clusters/get", Map.of("cluster_id", id)));
    List<FanOut.Outcome<?>> failed = outcomes.stream().filter(FanOut.Outcome::failed).<FanOut.Outcome<?>>map(o -> o).toList();
    if (!failed.isEmpty()) {
      ctx.sideOutput(ERRORS, SnapshotSupport.errorRows(ctx, failed, ctx.window().fromTS(), ctx.window().untilTS()));
    }
    List<String> clusters = outcomes.stream().filter(o -> !o.failed()).map(FanOut.Outcome::value).toList();
    Dataset<Row> df = SnapshotSupport.fromApi(ctx,
        SnapshotSupport.loadable(ctx, clusters, "cluster definitions", MINIMUM), "cluster definitions", SHAPES);
    if (!Arrays.asList(df.columns()).contains("cluster_id")) {
      throw new NoNewDataException("clusters/get returned no cluster_id", true);
    }
    return SchemaEnforcer.enforce(df, MINIMUM);
  }
}
