package dev.overwatch.jobs.gold;

import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.ConsumerView;
import dev.overwatch.jobs.engine.GoldModule;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.TableStore;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WriteMode;
import dev.overwatch.jobs.silver.SqlQueryHistorySilver;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * 3017 Gold_Sql_QueryHistory -> sql_query_history_gold (gold.md 3.8), view sqlqueryhistory (presentation.md
 * 3.15): the silver queries that started in the window or the 2 days before, as they are (silver already
 * flattened the metrics); the merge refreshes queries that were still running.
 */
public final class SqlQueryHistoryGold extends GoldModule {
  public static final TargetTable TARGET = TargetTable.merge("sql_query_history_gold", WriteMode.MERGE,
      List.of("warehouse_id", "query_id", "query_start_time_ms"), List.of("query_start_time_ms"),
      List.of(TargetTable.ORG), 0);
  public static final ModuleSpec SPEC = ModuleSpec.of(3017, "Gold_Sql_QueryHistory", Layer.GOLD, Scope.DBSQL,
      TARGET, 2020);
  static final ConsumerView VIEW = ConsumerView.of("sqlqueryhistory", TARGET, "organization_id", "workspace_name",
      "warehouse_id", "query_id", "query_end_time_ms", "user_name", "user_id", "executed_as_user_id",
      "executed_as_user_name", "duration", "error_message", "execution_end_time_ms", "query_start_time_ms",
      "query_text", "rows_produced", "spark_ui_url", "statement_type", "status", "compilation_time_ms",
      "execution_time_ms", "network_sent_bytes", "photon_total_time_ms", "pruned_bytes", "pruned_files_count",
      "read_bytes", "read_cache_bytes", "read_files_count", "read_partitions_count", "read_remote_bytes",
      "result_fetch_time_ms", "result_from_cache", "rows_produced_count", "rows_read_count", "spill_to_disk_bytes",
      "task_total_time_ms", "total_time_ms", "write_remote_bytes");

  public SqlQueryHistoryGold() {
    super(SPEC, VIEW);
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    if (!ctx.tableExists(SqlQueryHistorySilver.TARGET)) {
      throw new NoNewDataException("sql_query_history_silver does not exist yet", true);
    }
    return ctx.readIncremental(SqlQueryHistorySilver.TARGET, 2)
        .drop(TableStore.SNAP_TS, TableStore.RUN_ID, TableStore.WORKSPACE_NAME);
  }
}
