package dev.overwatch.jobs.bronze;

import static org.apache.spark.sql.functions.col;

import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.SchemaEnforcer;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WriteMode;
import dev.overwatch.jobs.sources.ApiException;
import dev.overwatch.jobs.sources.DatabricksApi;
import dev.overwatch.jobs.sources.DatabricksApi.Paging;
import dev.overwatch.jobs.sources.FanOut;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * 1014 Bronze_SQLQueryHistory -> sql_query_history_bronze: the SQL query history API
 * ({@code sql/history/queries}, has_next_page paging) for the window and the 2 days before it, one call
 * chain per 1-hour slice of query start times, in parallel. The original read the API inside silver 2020;
 * landing it here makes the answers replayable and the write exactly-once (decision 400): the merge on
 * (warehouse_id, query_id, query_start_time_ms) refreshes queries that were still running last time.
 */
public final class SqlQueryHistoryBronze implements Module {
  static final long HOUR_MS = 3_600_000L;
  static final long LOOKBACK_MS = 2 * 86_400_000L;
  static final String PATH = "/api/2.0/sql/history/queries";

  public static final TargetTable TARGET = TargetTable.merge("sql_query_history_bronze", WriteMode.MERGE,
      List.of("warehouse_id", "query_id", "query_start_time_ms"), List.of("query_start_time_ms"),
      List.of(TargetTable.ORG), 0);
  public static final ModuleSpec SPEC = ModuleSpec.of(1014, "Bronze_SQLQueryHistory", Layer.BRONZE, Scope.DBSQL,
      TARGET);
  /** The fields every query has (inputs.md 2.3); metrics stay a struct until silver flattens them. */
  static final StructType MINIMUM = new StructType()
      .add("query_id", DataTypes.StringType, false)
      .add("query_start_time_ms", DataTypes.LongType, false)
      .merge(SnapshotSupport.minimum(List.of("warehouse_id", "endpoint_id", "status", "query_text",
          "query_end_time_ms:long", "execution_end_time_ms:long", "duration:long", "user_id:long", "user_name",
          "executed_as_user_id:long", "executed_as_user_name", "spark_ui_url", "rows_produced:long", "error_message",
          "statement_type", "lookup_key", "is_final:boolean", "plans_state")), true)
      .add("metrics", SchemaEnforcer.fields("total_time_ms:long", "compilation_time_ms:long",
          "execution_time_ms:long", "read_bytes:long", "read_remote_bytes:long", "write_remote_bytes:long",
          "read_cache_bytes:long", "spill_to_disk_bytes:long", "task_total_time_ms:long", "read_files_count:long",
          "read_partitions_count:long", "photon_total_time_ms:long", "rows_read_count:long",
          "rows_produced_count:long", "result_fetch_time_ms:long", "network_sent_bytes:long",
          "result_from_cache:boolean", "pruned_bytes:long", "pruned_files_count:long",
          "query_compilation_start_timestamp:long", "overloading_queue_start_timestamp:long",
          "provisioning_queue_start_timestamp:long"), true);

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  /** [from, until) cut into 1-hour slices; the last slice ends at until (inputs.md 2.2). */
  static List<long[]> slices(long from, long until) {
    List<long[]> out = new ArrayList<>();
    for (long s = from; s < until; s += HOUR_MS) {
      out.add(new long[] {s, Math.min(s + HOUR_MS, until)});
    }
    return out;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    long until = ctx.window().untilTS();
    long from = Math.max(0L, ctx.window().fromTS() - LOOKBACK_MS);
    Map<String, long[]> byKey = new LinkedHashMap<>();
    slices(from, until).forEach(s -> byKey.put(s[0] + "-" + s[1], s));
    DatabricksApi api = ctx.api();
    List<FanOut.Outcome<List<String>>> outcomes = FanOut.run(byKey.keySet(), FanOut.THREADS, key -> {
      long[] slice = byKey.get(key);
      Map<String, String> query = new LinkedHashMap<>();
      query.put("max_results", "50");
      query.put("include_metrics", "true");
      query.put("filter_by.query_start_time_range.start_time_ms", String.valueOf(slice[0]));
      query.put("filter_by.query_start_time_range.end_time_ms", String.valueOf(slice[1]));
      return api.getAll(PATH, query, "res", Paging.HAS_NEXT_PAGE);
    });
    // A slice that failed after the retries fails the module: its window is fetched again next run, and the
    // merge keeps that exactly-once (the original only recorded the failure and lost those queries).
    for (FanOut.Outcome<List<String>> o : outcomes) {
      if (o.failed()) {
        ApiException e = o.error();
        throw new ApiException(PATH, e.statusCode(), "query history slice " + o.key() + " failed: " + e.detail(), e);
      }
    }
    List<String> queries = outcomes.stream().flatMap(o -> o.value().stream()).toList();
    return SnapshotSupport.fromApi(ctx, queries, "SQL queries", Map.of(), MINIMUM)
        .where(col("query_id").isNotNull().and(col("query_start_time_ms").isNotNull()));
  }
}
