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

  /** The report's view in the ETL database. */
  public static final String VIEW = "pipReport";

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
      return toRow(0L, 168);
    }

    Row toRow(long lastOptimizedTS, int vacuumRetentionHours) {
      return RowFactory.create(organizationId, workspaceName, moduleId, moduleName, primordialDate, runStartTS,
          runEndTS, fromTS, untilTS, status, rowsWritten, recordsQuarantined,
          scala.jdk.javaapi.CollectionConverters.asScala(writeOpsMetrics),
          lastOptimizedTS, vacuumRetentionHours, inputConfig, parsedConfig, true, Timestamp.from(snapshot), runId,
          attemptId, null);
    }
  }

  /** An execution that wrote a RUNNING marker and has no outcome that closes it. */
  public record OpenAttempt(String runId, String attemptId, boolean rollbackFailed) {}

  private final TableStore store;

  public PipelineReport(TableStore store) {
    this.store = store;
  }

  /** Columns added after the first schema; reports written before them get them in {@link #ensureTable}. */
  private static final List<String> ADDED_COLUMNS = List.of("attemptID", "publicationError");

  public void ensureTable() {
    store.createIfMissing(TABLE, SCHEMA);
    // Reports written before these columns existed get them, so state queries and pipReport can name them.
    java.util.List<String> present = java.util.Arrays.asList(store.readAll(TABLE, "").columns());
    for (String added : ADDED_COLUMNS) {
      if (!present.contains(added)) {
        store.spark().sql("ALTER TABLE " + store.qualifiedName(TABLE) + " ADD COLUMNS (" + added + " STRING)");
      }
    }
  }


  /**
   * Whether the report can be read by its path before {@link #ensureTable} (no catalog needed): it exists and has
   * every column the engine reads.
   */
  boolean readableByPath() {
    if (!store.exists(TABLE)) {
      return false;
    }
    java.util.Set<String> present = java.util.Set.of(store.readAll(TABLE, "").columns());
    return present.containsAll(ADDED_COLUMNS);
  }

  /** Commits the rows in one Delta append (one commit however many rows). */
  public void append(List<Entry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    Dataset<Row> df = store.spark().createDataFrame(entries.stream().map(Entry::toRow).toList(), SCHEMA);
    store.appendRaw(TABLE, df);
  }

  public void append(Entry entry) {
    append(List.of(entry));
  }

  /** A table-maintenance row (OPTIMIZE and VACUUM of one table at {@code lastOptimizedTS}). */
  void appendMaintained(Entry entry, long lastOptimizedTS, int vacuumRetentionHours) {
    store.appendRaw(TABLE, store.spark().createDataFrame(List.of(entry.toRow(lastOptimizedTS, vacuumRetentionHours)),
        SCHEMA));
  }

  /** Modules that have an execution left open (by a dead process or a failed rollback) in any workspace. */
  Set<Integer> modulesWithOpenExecutions() {
    Map<String, List<Fact>> byWorkspace = new HashMap<>();
    for (Row r : facts(store.spark().read().format("delta").load(store.path(TABLE)))) {
      byWorkspace.computeIfAbsent(r.getString(8), w -> new ArrayList<>()).add(fact(r));
    }
    Set<Integer> open = new HashSet<>();
    for (List<Fact> facts : byWorkspace.values()) {
      Workspace w = new Workspace(facts);
      facts.stream().map(Fact::moduleId).distinct().filter(id -> !w.openAttempts(id).isEmpty()).forEach(open::add);
    }
    return open;
  }

  private static List<Row> facts(Dataset<Row> report) {
    return report.select(col("moduleID"), col("fromTS"), col("untilTS"), col("status"), col("Pipeline_SnapTS"),
        col("runEndTS"), col("Overwatch_RunID"), coalesce(col("attemptID"), col("Overwatch_RunID")),
        col("organization_id")).collectAsList();
  }

  private static Fact fact(Row r) {
    return new Fact(r.getInt(0), r.getLong(1), r.getLong(2), r.getString(3), r.getTimestamp(4).getTime(), r.getLong(5),
        r.getString(6), r.getString(7));
  }

  /** Reads one workspace's rows once; its windows, open executions and attempts are then answered from memory. */
  public Workspace forWorkspace(String organizationId) {
    List<Fact> facts = new ArrayList<>();
    for (Row r : facts(store.readAll(TABLE, organizationId))) {
      facts.add(fact(r));
    }
    return new Workspace(facts);
  }

  /** What the engine needs of one report row (the attempt id falls back to the run id for old rows). */
  private record Fact(int moduleId, long fromTS, long untilTS, String status, long snapshot, long runEndTS,
      String runId, String attemptId) {

    static Fact of(Entry e) {
      return new Fact(e.moduleId(), e.fromTS(), e.untilTS(), e.status(), e.snapshot().toEpochMilli(), e.runEndTS(),
          e.runId(), e.attemptId() == null ? e.runId() : e.attemptId());
    }
  }

  /**
   * One workspace's report as this process sees it: the rows read once plus every row this process wrote since.
   * Exact because one process writes a storage at a time (the writer lease) and a workspace's rows are written by
   * its own thread only. Outcome rows wait in {@link #defer} and are committed with the next RUNNING marker or by
   * {@link #flush}: an outcome that a kill loses leaves its execution open, so the next run rolls it back and
   * loads the window again (what it does for a kill just before the outcome row today).
   */
  public final class Workspace {
    private final List<Fact> facts;
    private final List<Entry> pending = new ArrayList<>();

    private Workspace(List<Fact> facts) {
      this.facts = facts;
    }

    /**
     * Latest valid (SUCCESS or EMPTY*) state per module: greatest Pipeline_SnapTS, then latest runEndTS
     * (pipeline.md 2.7).
     */
    public Map<Integer, ModuleState> states() {
      Map<Integer, Fact> best = new HashMap<>();
      for (Fact f : facts) {
        if (Statuses.SUCCESS.equals(f.status()) || f.status().startsWith(Statuses.EMPTY_PREFIX)) {
          best.merge(f.moduleId(), f, (a, b) -> newer(b, a) ? b : a);
        }
      }
      Map<Integer, ModuleState> states = new HashMap<>();
      best.forEach((id, f) -> states.put(id, new ModuleState(id, f.fromTS(), f.untilTS(), f.status())));
      return states;
    }

    /**
     * Executions of the module that never closed: the process died inside the module, or the rollback after its
     * failure failed (such a FAILED row does not close it, so the next run retries the rollback).
     */
    public List<OpenAttempt> openAttempts(int moduleId) {
      Map<String, String> started = new LinkedHashMap<>();
      Set<String> closed = new HashSet<>();
      Set<String> rollbackFailed = new HashSet<>();
      for (Fact f : facts) {
        if (f.moduleId() != moduleId) {
          continue;
        }
        if (Statuses.RUNNING.equals(f.status())) {
          started.put(f.attemptId(), f.runId());
        } else if (f.status().startsWith(Statuses.ROLLBACK_FAILED_PREFIX)) {
          rollbackFailed.add(f.attemptId());
        } else {
          closed.add(f.attemptId());
        }
      }
      closed.forEach(started::remove);
      List<OpenAttempt> open = new ArrayList<>();
      started.forEach((attempt, runId) -> open.add(new OpenAttempt(runId, attempt, rollbackFailed.contains(attempt))));
      return open;
    }

    /** How many times this run already started the module (the Delta txnVersion of the next attempt). */
    public long attempts(int moduleId, String runId) {
      return facts.stream().filter(f -> f.moduleId() == moduleId && f.runId().equals(runId)
          && Statuses.RUNNING.equals(f.status())).count();
    }

    /** Commits the row now, together with every deferred row (a RUNNING marker must be durable before writes). */
    public void commit(Entry entry) {
      pending.add(entry);
      flush();
      facts.add(Fact.of(entry));
    }

    /** Keeps the row for the next commit; this process answers from it at once. */
    public void defer(Entry entry) {
      pending.add(entry);
      facts.add(Fact.of(entry));
    }

    /** Commits the deferred rows (end of a workspace's layer). */
    public void flush() {
      append(pending);
      pending.clear();
    }
  }

  private static boolean newer(Fact candidate, Fact current) {
    int bySnap = Long.compare(candidate.snapshot(), current.snapshot());
    return bySnap > 0 || (bySnap == 0 && candidate.runEndTS() > current.runEndTS());
  }

  /**
   * A view of the module could not be published (presentation.md 7.7): the error goes on the module's report rows
   * of this run, whose status stays that of the data write; when this run did not execute the module (a
   * presentation-only run), on its latest outcome rows. Returns the number of rows marked.
   */
  public long recordPublicationError(int moduleId, String runId, String error) {
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

  /** The pipReport view in the ETL database (pipeline.md 3.2); left alone when the catalog holds it unchanged. */
  public void publishView() {
    CatalogViews views = new CatalogViews(store.spark());
    views.load(store.etlDatabase(), List.of(VIEW));
    views.publish(store.etlDatabase(), VIEW, "SELECT organization_id, workspace_name,"
        + " moduleID AS module_id, moduleName AS module_name, CAST(primordialDateString AS DATE) AS primordialDate,"
        + " timestamp_millis(fromTS) AS fromTS, timestamp_millis(untilTS) AS untilTS, status,"
        + " rowsWritten AS rows_written, recordsQuarantined AS records_quarantined,"
        + " writeOpsMetrics AS write_metrics, Pipeline_SnapTS, Overwatch_RunID, runStartTS, runEndTS,"
        + " publicationError AS publication_error"
        + " FROM " + store.qualifiedName(TABLE) + " WHERE status <> '" + Statuses.RUNNING + "'"
        + " ORDER BY Pipeline_SnapTS DESC, runEndTS DESC",
        store.spark().read().format("delta").load(store.path(TABLE)).schema());
  }
}
