package dev.overwatch.jobs.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.unix_millis;

import dev.overwatch.jobs.bronze.AuditLogBronze;
import dev.overwatch.jobs.bronze.JobsSnapshotBronze;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.TableStore;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/** The reads the jobs silver modules share: the jobs audit base (modules.md 2010 step 1) and the jobs snapshot. */
public final class JobsAudit {
  private JobsAudit() {}

  /**
   * Successful jobs-service audit records of the given actions in audit_log_bronze[incr + lagDays], first of
   * duplicates per (org, timestamp, actionName, requestId, statusCode, runId), requestParams flattened.
   */
  public static Dataset<Row> base(ModuleContext ctx, int lagDays, List<String> actions) {
    if (!ctx.tableExists(AuditLogBronze.TARGET)) {
      throw new NoNewDataException("audit_log_bronze does not exist yet", true);
    }
    return flatten(ctx.readIncremental(AuditLogBronze.TARGET, lagDays), actions);
  }

  /** {@link #base} over given audit_log_bronze rows. */
  public static Dataset<Row> flatten(Dataset<Row> auditBronze, List<String> actions) {
    Dataset<Row> audit = auditBronze
        .where(col("serviceName").equalTo("jobs").and(col("actionName").isin(actions.toArray()))
            .and(col("response.statusCode").equalTo(200)))
        .select(flattened(auditBronze))
        .withColumn("eventRunId", col("requestParams.runId"));
    return SparkUiEvents.firstPerKey(audit, List.of("organization_id", "timestamp", "actionName", "requestId",
        "eventRunId"), col("timestamp"), col("hashKey")).drop("eventRunId", "requestParams");
  }

  /** Every column, with requestParams' fields lifted to the top (those that clash with a top-level column skipped). */
  private static Column[] flattened(Dataset<Row> audit) {
    java.util.Set<String> top = java.util.Set.of(audit.columns());
    org.apache.spark.sql.types.StructType params =
        (org.apache.spark.sql.types.StructType) audit.schema().apply("requestParams").dataType();
    return java.util.stream.Stream.concat(List.of(audit.columns()).stream().map(c -> col(c)),
        java.util.Arrays.stream(params.fieldNames()).filter(f -> !top.contains(f))
            .map(f -> col("requestParams.`" + f + "`").as(f))).toArray(Column[]::new);
  }

  /**
   * The jobs snapshot of this workspace, one row per job and snapshot: jobId, snapshot time (epoch ms),
   * creator, creation time, job name and the settings as JSON text; null when no snapshot was taken yet.
   */
  public static Dataset<Row> snapshot(ModuleContext ctx) {
    if (!ctx.tableExists(JobsSnapshotBronze.TARGET)) {
      return null;
    }
    Dataset<Row> snap = ctx.readAll(JobsSnapshotBronze.TARGET);
    return snap.select(col("organization_id"), col("job_id").cast("long").as("jobId"),
        unix_millis(col(TableStore.SNAP_TS)).as("snapTS"), col("creator_user_name").as("snap_created_by"),
        col("created_time").cast("long").as("snap_created_ts"), col("settings.name").as("snap_job_name"),
        col("run_as_user_name").as("snap_run_as_user_name"), to_json(col("settings")).as("lookup_settings"));
  }

  /** Rows of the newest snapshot only. */
  public static Dataset<Row> latest(Dataset<Row> snapshot) {
    return snapshot.withColumn("__latest", max("snapTS").over(Window.partitionBy("organization_id")))
        .where(col("snapTS").equalTo(col("__latest"))).drop("__latest");
  }

  /** As-of lookup of the jobs snapshot by (organization_id, jobId), see {@link #asOf(Dataset, Dataset, List, String, String)}. */
  public static Dataset<Row> asOf(Dataset<Row> left, Dataset<Row> snapshot, String time) {
    return snapshot == null ? left : asOf(left, snapshot, List.of("organization_id", "jobId"), time, "snapTS");
  }

  /**
   * As-of lookup (gold.md 1.7a, unbounded look-ahead): every right column other than keys and time, as of the left
   * time: the latest non-null value at or before it, else the first after it; rows without any match keep nulls.
   * Times are epoch ms on both sides (the original compared the jobs snapshot's seconds with ms, so every event
   * saw the newest snapshot).
   */
  public static Dataset<Row> asOf(Dataset<Row> left, Dataset<Row> right, List<String> keys, String leftTime,
      String rightTime) {
    return AsOfLookup.lookup(left, leftTime, right, rightTime, keys, true);
  }
}
