package dev.overwatch.jobs.silver;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The as-of lookup of gold.md 1.7 (a) ("lookupWhen"): every left row gets, per partition, the last
 * non-null value of each right column at or before its time (right rows first on ties, so an event
 * at the same millisecond is visible), optionally the first later one when none exists. Windows
 * count rows, unbounded here. A column on both sides keeps the left value when it is not null.
 */
public final class AsOfLookup {
  private static final String SIDE = "__asof_side";
  private static final String RIGHT = "__asof_r_";

  private AsOfLookup() {}

  /**
   * @param timeColumn epoch-ms column present on both frames
   * @param partitionColumns columns present on both frames
   * @param lookAhead whether a left row with nothing before it takes the first later right value
   */
  public static Dataset<Row> lookup(Dataset<Row> left, Dataset<Row> right, String timeColumn,
      List<String> partitionColumns, boolean lookAhead) {
    List<String> keys = new ArrayList<>(partitionColumns);
    keys.add(timeColumn);
    List<String> values = Arrays.stream(right.columns()).filter(c -> !keys.contains(c)).toList();
    List<Column> rightCols = new ArrayList<>();
    keys.forEach(k -> rightCols.add(col(k)));
    values.forEach(v -> rightCols.add(col(v).as(RIGHT + v)));
    Dataset<Row> r = right.select(rightCols.toArray(Column[]::new)).withColumn(SIDE, lit(0));
    Dataset<Row> all = left.withColumn(SIDE, lit(1)).unionByName(r, true);
    WindowSpec ordered = Window.partitionBy(partitionColumns.stream().map(c -> col(c)).toArray(Column[]::new))
        .orderBy(col(timeColumn), col(SIDE));
    WindowSpec before = ordered.rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    WindowSpec after = ordered.rowsBetween(Window.currentRow(), Window.unboundedFollowing());
    List<String> leftColumns = Arrays.asList(left.columns());
    for (String v : values) {
      Column found = last(col(RIGHT + v), true).over(before);
      if (lookAhead) {
        found = coalesce(found, first(col(RIGHT + v), true).over(after));
      }
      all = all.withColumn(RIGHT + v, found);
    }
    all = all.where(col(SIDE).equalTo(1));
    for (String v : values) {
      all = leftColumns.contains(v)
          ? all.withColumn(v, coalesce(col(v), col(RIGHT + v))).drop(RIGHT + v)
          : all.withColumnRenamed(RIGHT + v, v);
    }
    return all.drop(SIDE);
  }
}
