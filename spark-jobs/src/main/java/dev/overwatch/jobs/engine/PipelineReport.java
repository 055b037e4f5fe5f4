package dev.overwatch.jobs.engine;

import static dev.overwatch.jobs.engine.TableStore.field;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The pipeline_report table: one row per module execution, the source of every window (pipeline.md 3.1). */
public final class PipelineReport {
  public static final TargetTable TABLE =
      TargetTable.append("pipeline_report", List.of("moduleID", TableStore.RUN_ID), List.of(TableStore.SNAP_TS),
          List.of(TargetTable.ORG));

  public static final StructType SCHEMA = new StructType(new org.apache.spark.sql.types.StructField[] {
      field("organization_id", DataTypes.StringType),
      field("workspace_name", DataTypes.StringType),
      field("moduleID", DataTypes.IntegerType),
      field("moduleName", DataTypes.StringType),
      field("primordialDateString", DataTypes.StringType),
      field("runStartTS", DataTypes.LongType),
      field("runEndTS", DataTypes.LongType),
      field("fromTS", DataTypes.LongType),
      field("untilTS", DataTypes.LongType),
      field("status", DataTypes.StringType),
      field("rowsWritten", DataTypes.LongType),
      field("recordsQuarantined", DataTypes.LongType),
      field("writeOpsMetrics", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType)),
      field("lastOptimizedTS", DataTypes.LongType),
      field("vacuumRetentionHours", DataTypes.IntegerType),
      field("inputConfig", DataTypes.StringType),
      field("parsedConfig", DataTypes.StringType),
      field("externalizeOptimize", DataTypes.BooleanType),
      field("Pipeline_SnapTS", DataTypes.TimestampType),
      field("Overwatch_RunID", DataTypes.StringType),
      field("attemptID", DataTypes.StringType),
      field("publicationError", DataTypes.StringType)});

  /**
   * One report row.
   *
   * @param attemptId one execution of the module by the run for the workspace (a run id is reused when a layer is
   *     retried); the RUNNING marker and the outcome row of an execution carry the same id
   */
  public record Entry(String organizationId, String workspaceName, int moduleId, String moduleName,
      String primordialDate, long runStartTS, long runEndTS, long fromTS, long untilTS, String status,
      long rowsWritten, long recordsQuarantined, Map<String, String> writeOpsMetrics, String inputConfig,
      String parsedConfig, Instant snapshot, String runId, String attemptId) {

    public Entry(String organizationId, String workspaceName, int moduleId, String moduleName, String primordialDate,
        long runStartTS, long runEndTS, long fromTS, long untilTS, String status, long rowsWritten,
        long recordsQuarantined, Map<String, String> writeOpsMetrics, String inputConfig, String parsedConfig,
        Instant snapshot, String runId) {
      this(organizationId, workspaceName, moduleId, moduleName, primordialDate, runStartTS, runEndTS, fromTS, untilTS,
          status, rowsWritten, recordsQuarantined, writeOpsMetrics, inputConfig, parsedConfig, snapshot, runId, runId);
    }

    Row toRow() {
      return RowFactory.create(organizationId, workspaceName, moduleId, moduleName, primordialDate, runStartTS,
          runEndTS, fromTS, untilTS, status, rowsWritten, recordsQuarantined,
          scala.jdk.javaapi.CollectionConverters.asScala(writeOpsMetrics),
          0L, 168, inputConfig, parsedConfig, true, Timestamp.from(snapshot), runId, attemptId, null);
    }
  }

  /** An execution that wrote a RUNNING marker and has no outcome that closes it. */
  public record OpenAttempt(String runId, String attemptId, boolean rollbackFailed) {}

  private final TableStore store;

  public PipelineReport(TableStore store) {
    this.store = store;
  }

  public void ensureTable() {
    store.createIfMissing(TABLE, SCHEMA);
    if (!java.util.Arrays.asList(store.readAll(TABLE, "").columns()).contains("attemptID")) {
      // A report written before attempt ids existed: add the column so state queries can name it.
      store.spark().sql("ALTER TABLE " + store.qualifiedName(TABLE) + " ADD COLUMNS (attemptID STRING)");
    }
    if (!java.util.Arrays.asList(store.readAll(TABLE, "").columns()).contains("publicationError")) {
      store.spark().sql("ALTER TABLE " + store.qualifiedName(TABLE) + " ADD COLUMNS (publicationError STRING)");
    }
  }

  public void append(Entry entry) {
    Dataset<Row> df = store.spark().createDataFrame(List.of(entry.toRow()), SCHEMA);
    store.appendRaw(TABLE, df);
  }

  /**
   * Latest valid (SUCCESS or EMPTY*) state per module of a workspace: greatest Pipeline_SnapTS,
   * then latest runEndTS (pipeline.md 2.7).
   */
  public Map<Integer, ModuleState> loadStates(String organizationId) {
    List<Row> rows = store.readAll(TABLE, organizationId)
        .where(col("status").equalTo(Statuses.SUCCESS).or(col("status").startsWith(Statuses.EMPTY_PREFIX)))
        .select("moduleID", "fromTS", "untilTS", "status", "Pipeline_SnapTS", "runEndTS")
        .collectAsList();
    Map<Integer, Row> best = new HashMap<>();
    for (Row r : rows) {
      best.merge(r.getInt(0), r, (a, b) -> newer(b, a) ? b : a);
    }
    Map<Integer, ModuleState> states = new HashMap<>();
    best.forEach((id, r) -> states.put(id, new ModuleState(id, r.getLong(1), r.getLong(2), r.getString(3))));
    return states;
  }

  private static boolean newer(Row candidate, Row current) {
    int bySnap = candidate.getTimestamp(4).compareTo(current.getTimestamp(4));
    return bySnap > 0 || (bySnap == 0 && candidate.getLong(5) > current.getLong(5));
  }

  /**
   * Executions of the module for this workspace that never closed: the process died inside the module, or the
   * rollback after its failure failed (such a FAILED row does not close it, so the next run retries the rollback).
   * Rows written before attempt ids existed are keyed by their run id.
   */
  public List<OpenAttempt> openAttempts(String organizationId, int moduleId) {
    List<Row> rows = store.readAll(TABLE, organizationId).where(col("moduleID").equalTo(moduleId))
        .select(col("Overwatch_RunID"), col("status"), coalesce(col("attemptID"), col("Overwatch_RunID")))
        .collectAsList();
    Map<String, String> started = new LinkedHashMap<>();
    Set<String> closed = new HashSet<>();
    Set<String> rollbackFailed = new HashSet<>();
    for (Row r : rows) {
      String status = r.getString(1);
      if (Statuses.RUNNING.equals(status)) {
        started.put(r.getString(2), r.getString(0));
      } else if (status.startsWith(Statuses.ROLLBACK_FAILED_PREFIX)) {
        rollbackFailed.add(r.getString(2));
      } else {
        closed.add(r.getString(2));
      }
    }
    closed.forEach(started::remove);
    List<OpenAttempt> open = new ArrayList<>();
    started.forEach((attempt, runId) -> open.add(new OpenAttempt(runId, attempt, rollbackFailed.contains(attempt))));
    return open;
  }

  /** How many times this run already started the module (the Delta txnVersion of the next attempt). */
  public long attempts(String organizationId, int moduleId, String runId) {
    return store.readAll(TABLE, organizationId)
        .where(col("moduleID").equalTo(moduleId).and(col("Overwatch_RunID").equalTo(runId))
            .and(col("status").equalTo(Statuses.RUNNING)))
        .count();
  }

  /**
   * A view of the module could not be published (presentation.md 7.7): the error goes on the module's report rows
   * of this run, whose status stays that of the data write; when this run did not execute the module (a
   * presentation-only run), on its latest outcome rows. Returns the number of rows marked.
   */
  public long recordPublicationError(int moduleId, String runId, String error) {
    ensureTable();
    String table = store.qualifiedName(TABLE);
    Dataset<Row> all = store.spark().table(table);
    org.apache.spark.sql.Column closed = col("moduleID").equalTo(moduleId).and(col("status").notEqual(Statuses.RUNNING));
    org.apache.spark.sql.Column where = closed.and(col("Overwatch_RunID").equalTo(runId));
    if (all.where(where).isEmpty()) {
      Row latest = all.where(closed).agg(org.apache.spark.sql.functions.max(TableStore.SNAP_TS)).first();
      if (latest.isNullAt(0)) {
        return 0;
      }
      // Delta's UPDATE takes no subquery: the latest snapshot of the module is looked up first.
      where = closed.and(col(TableStore.SNAP_TS).equalTo(org.apache.spark.sql.functions.lit(latest.getTimestamp(0))));
    }
    long rows = all.where(where).count();
    io.delta.tables.DeltaTable.forName(store.spark(), table).update(where,
        Map.of("publicationError", org.apache.spark.sql.functions.lit(error)));
    return rows;
  }

  /** The pipReport view in the ETL database (pipeline.md 3.2). */
  public void publishView() {
    String db = "`" + store.etlDatabase() + "`";
    store.spark().sql("CREATE OR REPLACE VIEW " + db + ".pipReport AS SELECT organization_id, workspace_name,"
        + " moduleID AS module_id, moduleName AS module_name, CAST(primordialDateString AS DATE) AS primordialDate,"
        + " timestamp_millis(fromTS) AS fromTS, timestamp_millis(untilTS) AS untilTS, status,"
        + " rowsWritten AS rows_written, recordsQuarantined AS records_quarantined,"
        + " writeOpsMetrics AS write_metrics, Pipeline_SnapTS, Overwatch_RunID, runStartTS, runEndTS,"
        + " publicationError AS publication_error"
        + " FROM " + store.qualifiedName(TABLE) + " WHERE status <> '" + Statuses.RUNNING + "'"
        + " ORDER BY Pipeline_SnapTS DESC, runEndTS DESC");
  }
}
