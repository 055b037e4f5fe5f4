package dev.overwatch.jobs.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.when;

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
   * As-of lookup (gold.md 1.7a, unbounded look-ahead): every left row gets the right columns of the right row
   * with the same keys that is the latest at or before the left time, else the first after it; rows without
   * any match keep nulls. Times are epoch ms on both sides (the original compared the jobs snapshot's seconds
   * with ms, so every event saw the newest snapshot). Right columns other than keys and time are added.
   */
  public static Dataset<Row> asOf(Dataset<Row> left, Dataset<Row> right, List<String> keys, String leftTime,
      String rightTime) {
    String id = "__row";
    Dataset<Row> l = left.withColumn(id, org.apache.spark.sql.functions.monotonically_increasing_id());
    Column on = lit(true);
    for (String k : keys) {
      on = on.and(col("l." + k).equalTo(col("r." + k)));
    }
    Column before = col("r." + rightTime).leq(col("l." + leftTime));
    Column rank = row_number().over(Window.partitionBy(col("l." + id)).orderBy(
        when(before, lit(0)).otherwise(lit(1)),
        when(before, org.apache.spark.sql.functions.negate(col("r." + rightTime))).otherwise(col("r." + rightTime))));
    List<String> rightCols = List.of(right.columns()).stream()
        .filter(c -> !keys.contains(c) && !c.equals(rightTime)).toList();
    Column[] select = java.util.stream.Stream.concat(
        List.of(l.columns()).stream().map(c -> col("l." + c)),
        rightCols.stream().map(c -> col("r." + c))).toArray(Column[]::new);
    return l.as("l").join(right.as("r"), on, "left").withColumn("__rank", rank).where(col("__rank").equalTo(1))
        .select(select).drop(id);
  }
}
