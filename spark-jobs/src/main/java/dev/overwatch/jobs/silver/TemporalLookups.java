package dev.overwatch.jobs.silver;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The two temporal helpers of gold.md 1.7: the as-of lookup ("lookupWhen") and the bidirectional
 * metadata fill ("fillMeta"). Used by silver 2014 (pool definitions) and gold 3005 (cluster definitions).
 */
public final class TemporalLookups {
  private static final String TIME = "__asof_time";
  private static final String SIDE = "__asof_side";
  private static final String LOOKED_UP = "__asof_";

  private TemporalLookups() {}

  /**
   * For every left row, each of {@code columns} as of the left row's time: the last non-null value of the right
   * frame at or before it (right rows sort before left rows on the same millisecond, so a definition written
   * at the state's millisecond is visible), else the first non-null value among the next {@code maxLookAhead}
   * rows of the combined stream. Columns are filled independently. A column present on both sides keeps the
   * left value when it is not null. Rows are counted, not time (gold.md 1.7a, costs.md 7.9);
   * {@code Window.unboundedFollowing()} looks ahead without a bound.
   */
  public static Dataset<Row> lookupWhen(Dataset<Row> left, Column leftTime, Dataset<Row> right, Column rightTime,
      List<String> partitionBy, List<String> columns, long maxLookAhead) {
    Set<String> leftCols = Set.of(left.columns());
    Dataset<Row> l = left.withColumn(TIME, leftTime.cast("long")).withColumn(SIDE, lit(1));
    Column[] rightSelect = new Column[partitionBy.size() + columns.size() + 2];
    int i = 0;
    for (String p : partitionBy) {
      rightSelect[i++] = col(p);
    }
    for (String c : columns) {
      rightSelect[i++] = col(c).as(LOOKED_UP + c);
    }
    rightSelect[i++] = rightTime.cast("long").as(TIME);
    rightSelect[i] = lit(0).as(SIDE);
    Dataset<Row> both = l.unionByName(right.select(rightSelect), true);
    WindowSpec ordered = Window.partitionBy(partitionBy.stream().map(org.apache.spark.sql.functions::col)
        .toArray(Column[]::new)).orderBy(col(TIME), col(SIDE));
    WindowSpec back = ordered.rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    for (String c : columns) {
      both = both.withColumn(LOOKED_UP + c, last(col(LOOKED_UP + c), true).over(back));
    }
    if (maxLookAhead > 0) {
      WindowSpec ahead = ordered.rowsBetween(1, maxLookAhead);
      for (String c : columns) {
        both = both.withColumn(LOOKED_UP + c,
            coalesce(col(LOOKED_UP + c), first(col(LOOKED_UP + c), true).over(ahead)));
      }
    }
    Dataset<Row> out = both.where(col(SIDE).equalTo(1));
    for (String c : columns) {
      out = out.withColumn(c, leftCols.contains(c) ? coalesce(col(c), col(LOOKED_UP + c)) : col(LOOKED_UP + c))
          .drop(LOOKED_UP + c);
    }
    return out.drop(TIME, SIDE);
  }

  /**
   * fillMeta (gold.md 1.7b): a null value takes the latest earlier non-null value of the same partition,
   * else the earliest later one.
   */
  public static Dataset<Row> fillMeta(Dataset<Row> df, List<String> partitionBy, List<Column> orderBy,
      List<String> columns) {
    WindowSpec w = Window.partitionBy(partitionBy.stream().map(org.apache.spark.sql.functions::col)
        .toArray(Column[]::new)).orderBy(orderBy.toArray(Column[]::new));
    WindowSpec back = w.rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    WindowSpec ahead = w.rowsBetween(Window.currentRow(), Window.unboundedFollowing());
    Dataset<Row> out = df;
    for (String c : columns) {
      if (Arrays.asList(df.columns()).contains(c)) {
        out = out.withColumn(c, coalesce(last(col(c), true).over(back), first(col(c), true).over(ahead)));
      }
    }
    return out;
  }
}
