package dev.overwatch.jobs.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import dev.overwatch.jobs.bronze.SparkEventsBronze;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.NoNewDataException;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Reads of spark_events_bronze shared by the Spark UI silver and gold modules. */
public final class SparkUiEvents {
  private SparkUiEvents() {}

  /** Events of one type from spark_events_bronze[incr + lagDays]. */
  public static Dataset<Row> read(ModuleContext ctx, int lagDays, String event) {
    return bronze(ctx, lagDays).where(col("Event").equalTo(event));
  }

  /** spark_events_bronze[incr + lagDays]; no table yet means nothing to do (the window still progresses). */
  public static Dataset<Row> bronze(ModuleContext ctx, int lagDays) {
    if (!ctx.tableExists(SparkEventsBronze.TARGET)) {
      throw new NoNewDataException("spark_events_bronze does not exist yet", true);
    }
    return ctx.readIncremental(SparkEventsBronze.TARGET, lagDays);
  }

  /**
   * The column at a (dotted) path, or a typed null when the evolving bronze schema has not seen it yet
   * (e.g. TaskInfo.Accumulables before the first TaskEnd was loaded).
   */
  public static Column opt(Dataset<Row> df, String path, DataType fallback) {
    DataType t = df.schema();
    for (String part : path.split("\\.")) {
      if (!(t instanceof StructType s)) {
        return lit(null).cast(fallback);
      }
      StructField f = Arrays.stream(s.fields()).filter(x -> x.name().equalsIgnoreCase(part)).findFirst().orElse(null);
      if (f == null) {
        return lit(null).cast(fallback);
      }
      t = f.dataType();
    }
    return col(path);
  }

  /** First-of-duplicates (modules.md 2): one row per key, the first in {@code order}. */
  public static Dataset<Row> firstPerKey(Dataset<Row> df, List<String> keys, Column... order) {
    String rn = "__first_rn";
    return df.withColumn(rn, row_number().over(Window.partitionBy(cols(keys)).orderBy(order)))
        .where(col(rn).equalTo(1)).drop(rn);
  }

  static Column[] cols(List<String> names) {
    return names.stream().map(n -> col(n)).toArray(Column[]::new);
  }
}
