package dev.overwatch.jobs.bronze;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.TableStore;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Cluster ids derived from audit rows and snapshots (modules.md 2: "cluster id from audit", "clusters with new activity"). */
public final class ClusterIds {
  private ClusterIds() {}

  /**
   * Rule (A): clusters actions ending in Result -> requestParams.clusterId; permanentDelete, delete,
   * resize, edit -> requestParams.cluster_id; create -> $.cluster_id of response.result; otherwise
   * requestParams.cluster_id. Rule (B) additionally reads requestParams.clusterId of jobs rows.
   */
  public static Column fromAudit(boolean includeJobs) {
    Column clusters = col("serviceName").equalTo("clusters");
    Column id = when(clusters.and(col("actionName").endsWith("Result")), col("requestParams.clusterId"))
        .when(clusters.and(col("actionName").isin("permanentDelete", "delete", "resize", "edit")),
            col("requestParams.cluster_id"))
        .when(clusters.and(col("actionName").equalTo("create")), get_json_object(col("response.result"), "$.cluster_id"));
    if (includeJobs) {
      id = id.when(col("serviceName").equalTo("jobs"), col("requestParams.clusterId"));
    }
    return id.otherwise(col("requestParams.cluster_id"));
  }

  /** Distinct non-null ids of the audit rows by rule (A) or (B), sorted. */
  public static TreeSet<String> distinctFromAudit(Dataset<Row> audit, boolean includeJobs) {
    return collect(audit.select(fromAudit(includeJobs).cast("string").as("cluster_id")));
  }

  /** Ids RUNNING in the most recent snapshot (max Pipeline_SnapTS) of the workspace. */
  public static TreeSet<String> runningInLatestSnapshot(Dataset<Row> snapshots) {
    Row latest = snapshots.agg(max(col(TableStore.SNAP_TS))).first();
    if (latest.isNullAt(0)) {
      return new TreeSet<>();
    }
    return collect(snapshots.where(col(TableStore.SNAP_TS).equalTo(lit(latest.get(0))).and(col("state").equalTo("RUNNING")))
        .select(col("cluster_id").cast("string").as("cluster_id")));
  }

  private static TreeSet<String> collect(Dataset<Row> ids) {
    List<Row> rows = ids.where(col("cluster_id").isNotNull().and(col("cluster_id").notEqual(""))).distinct().collectAsList();
    TreeSet<String> out = new TreeSet<>();
    rows.forEach(r -> out.add(r.getString(0)));
    return out;
  }
}
