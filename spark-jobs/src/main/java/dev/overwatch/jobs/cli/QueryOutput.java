package dev.overwatch.jobs.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Prints a query result as a table, CSV or JSON lines. */
final class QueryOutput {
  enum Format { table, csv, json }

  private QueryOutput() {}

  static void print(Dataset<Row> df, Format format, PrintWriter out) {
    switch (format) {
      case json -> df.toJSON().collectAsList().forEach(out::println);
      case csv -> {
        out.println(String.join(",", Arrays.stream(df.columns()).map(QueryOutput::csv).toList()));
        for (Row row : df.collectAsList()) {
          List<String> cells = new ArrayList<>();
          for (int i = 0; i < row.size(); i++) {
            cells.add(row.isNullAt(i) ? "" : csv(String.valueOf(row.get(i))));
          }
          out.println(String.join(",", cells));
        }
      }
      case table -> {
        List<Row> rows = df.collectAsList();
        List<List<String>> cells = new ArrayList<>();
        for (Row row : rows) {
          List<String> line = new ArrayList<>();
          for (int i = 0; i < row.size(); i++) {
            line.add(row.isNullAt(i) ? null : String.valueOf(row.get(i)));
          }
          cells.add(line);
        }
        out.print(TextTable.render(Arrays.asList(df.columns()), cells));
        out.println("(" + rows.size() + (rows.size() == 1 ? " row)" : " rows)"));
      }
    }
    out.flush();
  }

  private static String csv(String value) {
    if (value.contains(",") || value.contains("\"") || value.contains("\n")) {
      return '"' + value.replace("\"", "\"\"") + '"';
    }
    return value;
  }
}
