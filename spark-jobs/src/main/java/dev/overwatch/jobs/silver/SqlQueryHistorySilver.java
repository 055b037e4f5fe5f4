package dev.overwatch.jobs.silver;

import static org.apache.spark.sql.functions.col;

import dev.overwatch.jobs.bronze.SqlQueryHistoryBronze;
import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.TableStore;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WriteMode;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * 2020 Silver_SQLQueryHistory -> sql_query_history_silver (modules.md 2020): the queries of bronze 1014
 * that started in the window or the 2 days before it (queries still running at the previous run are
 * refreshed), with every field of the {@code metrics} struct promoted to a top-level column.
 */
public final class SqlQueryHistorySilver implements Module {
  public static final TargetTable TARGET = TargetTable.merge("sql_query_history_silver", WriteMode.MERGE,
      List.of("warehouse_id", "query_id", "query_start_time_ms"), List.of("query_start_time_ms"),
      List.of(TargetTable.ORG), 0);
  public static final ModuleSpec SPEC = ModuleSpec.of(2020, "Silver_SQLQueryHistory", Layer.SILVER, Scope.DBSQL,
      TARGET, 1014);

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    if (!ctx.tableExists(SqlQueryHistoryBronze.TARGET)) {
      throw new NoNewDataException("sql_query_history_bronze does not exist yet", true);
    }
    Dataset<Row> queries = ctx.readIncremental(SqlQueryHistoryBronze.TARGET, 2);
    if (queries.isEmpty()) {
      throw new NoNewDataException("no SQL queries started in the window or the 2 days before", true);
    }
    return flattenMetrics(queries.drop(TableStore.SNAP_TS, TableStore.RUN_ID, "workspace_name"));
  }

  /** Every field of the metrics struct as a column of its own, metrics dropped (an API field of the same name wins). */
  static Dataset<Row> flattenMetrics(Dataset<Row> df) {
    if (!java.util.Arrays.asList(df.columns()).contains("metrics")
        || !(df.schema().apply("metrics").dataType() instanceof StructType metrics)) {
      return df;
    }
    List<Column> out = new ArrayList<>();
    java.util.Set<String> top = new java.util.HashSet<>();
    for (String c : df.columns()) {
      if (!c.equals("metrics")) {
        out.add(col("`" + c + "`"));
        top.add(c.toLowerCase(java.util.Locale.ROOT));
      }
    }
    for (StructField f : metrics.fields()) {
      if (!top.contains(f.name().toLowerCase(java.util.Locale.ROOT))) {
        out.add(col("metrics.`" + f.name() + "`").as(f.name()));
      }
    }
    return df.select(out.toArray(Column[]::new));
  }
}
