package dev.overwatch.jobs.silver;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The as-of lookup of gold.md 1.7 (a) ("lookupWhen") where every right column except the partition and time
 * columns is looked up. One implementation:
 * {@link TemporalLookups#lookupWhen}.
 */
public final class AsOfLookup {
  private AsOfLookup() {}

  /**
   * @param timeColumn epoch-ms column present on both frames
   * @param partitionColumns columns present on both frames
   * @param lookAhead whether a left row with nothing before it takes the first later right value
   */
  public static Dataset<Row> lookup(Dataset<Row> left, Dataset<Row> right, String timeColumn,
      List<String> partitionColumns, boolean lookAhead) {
    return lookup(left, timeColumn, right, timeColumn, partitionColumns, lookAhead);
  }

  /**
   * The same with the time column named differently on each side; the right time column is not added to the
   * left rows.
   */
  public static Dataset<Row> lookup(Dataset<Row> left, String leftTime, Dataset<Row> right, String rightTime,
      List<String> partitionColumns, boolean lookAhead) {
    List<String> keys = new ArrayList<>(partitionColumns);
    keys.add(rightTime);
    List<String> values = Arrays.stream(right.columns()).filter(c -> !keys.contains(c)).toList();
    return TemporalLookups.lookupWhen(left, col(leftTime), right, col(rightTime), partitionColumns, values,
        lookAhead ? Window.unboundedFollowing() : 0);
  }
}
