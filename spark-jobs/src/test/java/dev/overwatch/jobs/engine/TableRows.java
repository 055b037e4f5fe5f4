package dev.overwatch.jobs.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Every row of Delta tables as sorted JSON (columns by name, the run id and the noise salt left out), so two
 * deployments can be compared row by row: a run recovered from faults against a clean run.
 */
final class TableRows {
  private TableRows() {}

  /** Rows of each table under {@code <databaseLocation>/<table>}. */
  static Map<String, List<String>> of(SparkSession spark, String databaseLocation, List<String> tables) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String t : tables) {
      Dataset<Row> df = spark.read().format("delta").load(databaseLocation + "/" + t)
          .drop(TableStore.RUN_ID, TargetTable.NOISE);
      String[] cols = df.columns();
      Arrays.sort(cols);
      List<String> rows = new ArrayList<>(df.selectExpr(Arrays.stream(cols).map(c -> "`" + c + "`").toArray(String[]::new))
          .toJSON().collectAsList());
      rows.sort(null);
      out.put(t, rows);
    }
    return out;
  }
}
