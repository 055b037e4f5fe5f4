package dev.overwatch.jobs.silver;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.lit;

import dev.overwatch.jobs.engine.TimeWindow;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Pairs start events with their end events for the Spark UI silver modules: the lag join
 * ("joinWithLag", modules.md 2), one row per key, and the keep rule.
 *
 * <p>Starts come from spark_events_bronze[incr + lag] and carry the key columns, {@code fileCreateDate},
 * {@code fileCreateEpochMS} and their own columns; ends come from [incr] with the key columns,
 * {@code fileCreateDate} and their own columns (names distinct from the starts').
 *
 * @param keys join keys (organization_id, clusterId, SparkContextID, entity ids)
 * @param lagDays the join allows a start file up to this many days older than the end file
 */
public record StartEndPairing(List<String> keys, int lagDays) {
  private static final String END_PREFIX = "__end_";
  private static final String ENDED = "__ended";
  private static final String START_FILE_MS = "__startFileCreateEpochMS";
  /** The key columns that name one application (the leading keys of every Spark UI pairing). */
  private static final List<String> APP = List.of("organization_id", "clusterId", "SparkContextID");

  public StartEndPairing {
    keys = List.copyOf(keys);
  }

  /**
   * Left join of starts to ends on the keys with {@code start.fileCreateDate >= end.fileCreateDate - lagDays};
   * the end's join columns are dropped. One row per key survives, a closed one when there is one. Rows are
   * kept when {@code coalesce(end, start, 0) >= fromTS} (the original rule) or when one of their events was
   * ingested in this window (end found, or start file in the window): an application whose log arrives after
   * the window its events belong to would otherwise be lost.
   */
  public Dataset<Row> pair(Dataset<Row> starts, Dataset<Row> ends, String startTime, String endTime, TimeWindow window) {
    long from = window.fromTS();
    Dataset<Row> s = starts.withColumnRenamed("fileCreateEpochMS", START_FILE_MS);
    // Only applications with events in this window can open or close a row: a start read through the lag alone
    // (its file ingested earlier) was paired and written when its file was ingested, and its app gains nothing
    // now unless an end of the same app arrived. Scoping the lag read to those apps keeps an incremental run in
    // proportion to its new data instead of re-pairing every application of the last lagDays.
    if (keys.size() > APP.size() && keys.subList(0, APP.size()).equals(APP)) {
      Dataset<Row> apps = ends.select(SparkUiEvents.cols(APP))
          .union(s.where(col(START_FILE_MS).geq(from)).select(SparkUiEvents.cols(APP))).distinct();
      s = s.join(broadcast(apps), scala.jdk.javaapi.CollectionConverters.asScala(APP).toSeq(), "left_semi");
    }
    Dataset<Row> e = ends.drop("fileCreateEpochMS").withColumn(ENDED, lit(true))
        .withColumnRenamed("fileCreateDate", END_PREFIX + "fileCreateDate");
    for (String k : keys) {
      e = e.withColumnRenamed(k, END_PREFIX + k);
    }
    Column on = s.col("fileCreateDate").geq(date_sub(e.col(END_PREFIX + "fileCreateDate"), lagDays));
    for (String k : keys) {
      on = on.and(s.col(k).equalTo(e.col(END_PREFIX + k)));
    }
    Dataset<Row> joined = s.join(e, on, "left").drop(END_PREFIX + "fileCreateDate");
    for (String k : keys) {
      joined = joined.drop(END_PREFIX + k);
    }
    // Duplicated events (a log read twice, a repeated end) leave one row; prefer the pairing that closed.
    Dataset<Row> one = SparkUiEvents.firstPerKey(joined, keys, col(ENDED).desc_nulls_last(),
        col(endTime).desc_nulls_last(), col(startTime).asc_nulls_last());
    Column keep = coalesce(col(endTime), col(startTime), lit(0L)).geq(from)
        .or(col(ENDED).isNotNull())
        .or(col(START_FILE_MS).geq(from));
    return one.where(keep).drop(ENDED, START_FILE_MS, "fileCreateDate");
  }
}
