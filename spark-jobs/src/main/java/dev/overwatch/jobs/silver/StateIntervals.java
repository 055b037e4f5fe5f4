package dev.overwatch.jobs.silver;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The part of the state machine (costs.md 1.4-1.5, 5) that clusters (2019) and SQL warehouses (2022) share: from
 * events that already carry {@code state}, {@code isRunning} and the two count columns, the state intervals (each
 * state ends 1 ms before the next starts, the last at {@code untilTS}), the cut at a deletion, the reset flag and its
 * running sum, uptimes and the billable flags, in the output column order of modules.md 2019 / 2022.
 *
 * @param key the entity column (cluster_id, warehouse_id), partitioned with organization_id
 * @param tieBreak orders events of the same millisecond (after timestamp)
 * @param current / target the count columns (workers, clusters), zero in a deletion marker
 * @param resetFlag / resetSum the names of the reset flag and its running sum
 * @param resetAfter states after which the uptime count restarts
 * @param notDbuBillable running states that emit no DBUs
 */
public record StateIntervals(String key, String tieBreak, String current, String target, String resetFlag,
    String resetSum, List<String> resetAfter, List<String> notDbuBillable) {
  /** The original's spelling (sic), kept: it is a value of the {@code state} column consumers filter on. */
  public static final String PERMANENT_DELETE = "PERMENANT_DELETE";

  /** Events of one entity in time order (ties by {@link #tieBreak}). */
  public WindowSpec byTime() {
    return Window.partitionBy("organization_id", key).orderBy(col("timestamp"), col(tieBreak));
  }

  /**
   * The intervals of {@code events} (organization_id, key, timestamp, state, isRunning, current, target);
   * {@code deletes} (organization_id, key, deletedAt; may be null) cuts deleted entities.
   */
  public Dataset<Row> intervals(Dataset<Row> events, Dataset<Row> deletes, long untilTS) {
    WindowSpec byTime = byTime();
    events = events.withColumn("unixTimeMS_state_start", col("timestamp"))
        .withColumn("unixTimeMS_state_end", coalesce(lead(col("timestamp"), 1).over(byTime).minus(1), lit(untilTS)));
    if (deletes != null) {
      events = cutAtDeletion(events, deletes);
    }
    events = events.withColumn(resetFlag, when(lag(col("state"), 1).over(byTime).isin(resetAfter.toArray())
        .or(not(col("isRunning"))), lit(1)).otherwise(lit(0)));
    events = events.withColumn(resetSum,
        sum(col(resetFlag)).over(byTime.rowsBetween(Window.unboundedPreceding(), Window.currentRow())));
    events = events.withColumn("timestamp_state_start", RuntimeStruct.secondsTimestamp(col("unixTimeMS_state_start")))
        .withColumn("timestamp_state_end", RuntimeStruct.secondsTimestamp(col("unixTimeMS_state_end")))
        .withColumn("state_start_date", to_date(col("timestamp_state_start")))
        .withColumn("uptime_in_state_S",
            col("unixTimeMS_state_end").minus(col("unixTimeMS_state_start")).cast("double").divide(1000));
    WindowSpec sinceRestart = Window.partitionBy("organization_id", key, resetSum)
        .orderBy("unixTimeMS_state_start").rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    events = events.withColumn("uptime_since_restart_S", coalesce(when(col(resetFlag).equalTo(1), lit(0.0))
        .otherwise(sum(col("uptime_in_state_S")).over(sinceRestart)), lit(0.0)));
    Column endDate = to_date(col("timestamp_state_end"));
    return events.select(col("organization_id"), col(key), col("isRunning"), col("timestamp"),
        col("state"), col(current), col(target), col("unixTimeMS_state_start"),
        col("unixTimeMS_state_end"), col(resetFlag), col(resetSum), col("timestamp_state_start"),
        col("timestamp_state_end"), col("state_start_date"), col("uptime_in_state_S"), col("uptime_since_restart_S"),
        col("isRunning").as("cloud_billable"),
        col("isRunning").and(not(col("state").isin(notDbuBillable.toArray()))).as("databricks_billable"),
        col("uptime_in_state_S").divide(3600).as("uptime_in_state_H"),
        sequence(col("state_start_date"), endDate).as("state_dates"),
        size(sequence(col("state_start_date"), endDate)).as("days_in_state"));
  }

  /**
   * The last state of a deleted entity ends at the deletion D and a zero-length, not running PERMENANT_DELETE state
   * starts at max(D, last start) + 1 ms (decision 57: always cut, so reruns give the same key).
   */
  private Dataset<Row> cutAtDeletion(Dataset<Row> events, Dataset<Row> deletes) {
    Dataset<Row> withLast = events.withColumn("__last", row_number().over(Window.partitionBy("organization_id", key)
        .orderBy(col("timestamp").desc(), col(tieBreak).desc())).equalTo(1));
    Dataset<Row> joined = withLast.join(deletes, ClusterSpecSilver.seq(List.of("organization_id", key)), "left");
    Column cut = col("__last").and(col("deletedAt").isNotNull()).and(col("deletedAt").geq(col("unixTimeMS_state_start")));
    joined = joined.withColumn("unixTimeMS_state_end", when(cut, col("deletedAt")).otherwise(col("unixTimeMS_state_end")));
    Dataset<Row> marker = joined.where(cut)
        .withColumn("timestamp", greatest(col("deletedAt"), col("unixTimeMS_state_start")).plus(1))
        .withColumn("state", lit(PERMANENT_DELETE))
        .withColumn("unixTimeMS_state_start", col("timestamp"))
        .withColumn("unixTimeMS_state_end", col("timestamp"))
        .withColumn("isRunning", lit(false))
        .withColumn(current, lit(0L))
        .withColumn(target, lit(0L));
    return joined.unionByName(marker).drop("__last", "deletedAt");
  }
}
