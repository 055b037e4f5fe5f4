package dev.overwatch.jobs.engine;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import dev.overwatch.api.v1alpha1.MaintenanceSpec;
import dev.overwatch.jobs.engine.ModuleResult.Outcome;
import io.delta.tables.DeltaTable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OPTIMIZE (z-ordered where gold.md gives columns) and VACUUM of the deployment's Delta tables, so that small files
 * do not pile up run after run (pipeline.md 12). Each maintained table gets a {@code pipeline_report} row of
 * workspace {@code *} with {@code lastOptimizedTS}; the schedule ({@code spec.maintenance}) is read from those rows.
 */
public final class TableMaintenance {
  /** Workspace id of maintenance rows in pipeline_report: tables are shared by the workspaces. */
  public static final String ALL_WORKSPACES = "*";
  private static final String NAME_PREFIX = "maintain ";
  private static final Logger LOG = LoggerFactory.getLogger(TableMaintenance.class);
  /** Z-order columns of gold.md section 4 (the other tables have none). */
  private static final Map<String, List<String>> Z_ORDER = Map.of(
      "jobRun_gold", List.of("job_id", "run_id"),
      "clusterStateFact_gold", List.of("cluster_id", "unixTimeMS_state_start"),
      "sparkJob_gold", List.of("cluster_id"),
      "sparkStage_gold", List.of("cluster_id"),
      "sparkTask_gold", List.of("cluster_id"),
      "jobRunCostPotentialFact_gold", List.of("job_id", "run_id"),
      "sparkStream_gold", List.of("cluster_id"),
      "warehouseStateFact_gold", List.of("warehouse_id", "unixTimeMS_state_start"));

  /** A table and the module that owns it (0: the engine's own tables). */
  private record Owned(TargetTable table, int moduleId, Layer layer) {}

  private final TableStore store;
  private final PipelineReport report;
  private final MaintenanceSpec schedule;
  private final String runId;
  private final Instant now;

  public TableMaintenance(TableStore store, MaintenanceSpec schedule, String runId, Instant now) {
    this.store = store;
    this.report = new PipelineReport(store);
    this.schedule = schedule == null ? new MaintenanceSpec() : schedule;
    this.runId = runId;
    this.now = now;
  }

  /** Whether the deployment maintains tables at the end of runs (else only {@code overwatch maintain} does). */
  public boolean scheduled() {
    return schedule.everyRuns != null || schedule.everyDays != null;
  }

  /**
   * Maintains the tables of the modules in {@code layers} (and the engine's tables) that are due, or all of them
   * when {@code force}. A module with an execution that a dead process left open is skipped: its rollback may
   * need the files VACUUM would delete.
   */
  public List<ModuleResult> run(ModuleRegistry registry, Set<Layer> layers, boolean force) {
    Map<String, Owned> tables = new LinkedHashMap<>();
    for (Module m : registry.modules()) {
      if (layers.contains(m.spec().layer())) {
        tables.putIfAbsent(m.spec().target().name(), new Owned(m.spec().target(), m.spec().id(), m.spec().layer()));
        for (TargetTable side : m.spec().sideTargets()) {
          tables.putIfAbsent(side.name(), new Owned(side, m.spec().id(), m.spec().layer()));
        }
      }
    }
    tables.putIfAbsent(Quarantine.TABLE.name(), new Owned(Quarantine.TABLE, 0, Layer.BRONZE));
    tables.putIfAbsent(PipelineReport.TABLE.name(), new Owned(PipelineReport.TABLE, 0, Layer.BRONZE));
    Map<String, Long> lastMaintained = force ? Map.of() : lastMaintained();
    List<Long> runStarts = force || schedule.everyRuns == null ? List.of() : runStarts();
    Set<Integer> open = report.modulesWithOpenExecutions();
    List<ModuleResult> results = new ArrayList<>();
    for (Owned owned : tables.values()) {
      TargetTable table = owned.table();
      if (!store.exists(table) || (!force && !due(lastMaintained.getOrDefault(table.name(), 0L), runStarts))) {
        continue;
      }
      if (open.contains(owned.moduleId())) {
        results.add(result(owned, Outcome.EMPTY, 0, "skipped: module " + owned.moduleId()
            + " has an execution a dead process left open; the next run rolls it back first"));
        continue;
      }
      results.add(maintain(owned));
    }
    return results;
  }

  private boolean due(long last, List<Long> runStarts) {
    if (!scheduled()) {
      return true; // on demand (overwatch maintain) without a schedule: every table
    }
    boolean byAge = schedule.everyDays != null
        && Duration.ofMillis(now.toEpochMilli() - last).compareTo(Duration.ofDays(schedule.everyDays)) >= 0;
    boolean byRuns = schedule.everyRuns != null
        && runStarts.stream().filter(t -> t > last).count() >= schedule.everyRuns;
    return byAge || byRuns;
  }

  private ModuleResult maintain(Owned owned) {
    TargetTable table = owned.table();
    int retain = schedule.retainHours == null ? 168 : schedule.retainHours;
    SparkSession session = store.spark().newSession();
    // Delta refuses a retention under its 168 h default unless told; the deployment chose it (documented risk).
    session.conf().set("spark.databricks.delta.retentionDurationCheck.enabled", String.valueOf(retain >= 168));
    String path = store.path(table);
    try {
      DeltaTable delta = DeltaTable.forPath(session, path);
      List<String> columns = Arrays.asList(delta.toDF().columns());
      List<String> zOrder = Z_ORDER.getOrDefault(table.name(), List.of()).stream()
          .filter(c -> columns.contains(c) && !table.partitionBy().contains(c)).toList();
      Row metrics = (zOrder.isEmpty() ? delta.optimize().executeCompaction()
          : delta.optimize().executeZOrderBy(zOrder.toArray(String[]::new)))
          .select("metrics.numFilesRemoved", "metrics.numFilesAdded").first();
      delta.vacuum(retain);
      String message = "OPTIMIZE" + (zOrder.isEmpty() ? "" : " ZORDER BY " + zOrder) + ": " + metrics.getLong(0)
          + " file(s) compacted into " + metrics.getLong(1) + "; VACUUM RETAIN " + retain + " HOURS";
      report.appendMaintained(entry(owned, Statuses.SUCCESS), now.toEpochMilli(), retain);
      return result(owned, Outcome.SUCCESS, metrics.getLong(0), message);
    } catch (RuntimeException e) {
      LOG.error("Maintenance of {} failed", table.name(), e);
      String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      report.appendMaintained(entry(owned, Statuses.FAILED_PREFIX + ": " + message), 0, retain);
      return result(owned, Outcome.FAILED, 0, message);
    }
  }

  private PipelineReport.Entry entry(Owned owned, String status) {
    long t = now.toEpochMilli();
    return new PipelineReport.Entry(ALL_WORKSPACES, ALL_WORKSPACES, owned.moduleId(), NAME_PREFIX + owned.table().name(),
        null, t, System.currentTimeMillis(), t, t, status, 0, 0, Map.of(), "{}", "{}", now, runId,
        "maintain:" + runId + ":" + owned.table().name());
  }

  private static ModuleResult result(Owned owned, Outcome outcome, long files, String message) {
    return new ModuleResult(ALL_WORKSPACES, ALL_WORKSPACES, owned.moduleId(), NAME_PREFIX + owned.table().name(),
        owned.layer(), outcome, 0, 0, files, 0, message);
  }

  /** Epoch ms of each table's last successful maintenance. */
  private Map<String, Long> lastMaintained() {
    Map<String, Long> last = new HashMap<>();
    if (!store.exists(PipelineReport.TABLE)) {
      return last;
    }
    for (Row r : store.readAll(PipelineReport.TABLE, ALL_WORKSPACES)
        .where(col("status").equalTo(Statuses.SUCCESS).and(col("moduleName").startsWith(NAME_PREFIX)))
        .groupBy("moduleName").agg(max("lastOptimizedTS")).collectAsList()) {
      last.put(r.getString(0).substring(NAME_PREFIX.length()), r.getLong(1));
    }
    return last;
  }

  /** Start of every run of the deployment (its first RUNNING marker). */
  private List<Long> runStarts() {
    if (!store.exists(PipelineReport.TABLE)) {
      return List.of();
    }
    return store.spark().read().format("delta").load(store.path(PipelineReport.TABLE))
        .where(col("status").equalTo(Statuses.RUNNING)).groupBy("Overwatch_RunID").agg(min("runStartTS"))
        .collectAsList().stream().map(r -> r.getLong(1)).toList();
  }
}
