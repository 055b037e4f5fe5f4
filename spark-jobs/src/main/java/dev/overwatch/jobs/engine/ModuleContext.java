package dev.overwatch.jobs.engine;

import dev.overwatch.api.v1alpha1.OverwatchDeploymentSpec;
import dev.overwatch.jobs.sources.DatabricksApi;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** What a module may know and use while it transforms one window of one workspace. */
public final class ModuleContext {
  private final ModuleSpec spec;
  private final WorkspaceConfig workspace;
  private final OverwatchDeploymentSpec deployment;
  private final TableStore store;
  private final TimeWindow window;
  private final String runId;
  private final Instant snapshot;
  private final ZoneId zone;
  private final Supplier<DatabricksApi> api;
  private final String tempDir;
  private final List<Dataset<Row>> quarantined = new ArrayList<>();
  private final Map<TargetTable, Dataset<Row>> sideOutputs = new LinkedHashMap<>();

  public ModuleContext(ModuleSpec spec, WorkspaceConfig workspace, OverwatchDeploymentSpec deployment, TableStore store,
      TimeWindow window, String runId, Instant snapshot, ZoneId zone, Supplier<DatabricksApi> api, String tempDir) {
    this.spec = spec;
    this.workspace = workspace;
    this.deployment = deployment;
    this.store = store;
    this.window = window;
    this.runId = runId;
    this.snapshot = snapshot;
    this.zone = zone;
    this.api = api;
    this.tempDir = tempDir;
  }

  public SparkSession spark() {
    return store.spark();
  }

  public ModuleSpec spec() {
    return spec;
  }

  public WorkspaceConfig workspace() {
    return workspace;
  }

  public String organizationId() {
    return workspace.organizationId();
  }

  public OverwatchDeploymentSpec deployment() {
    return deployment;
  }

  public TimeWindow window() {
    return window;
  }

  public String runId() {
    return runId;
  }

  public Instant snapshot() {
    return snapshot;
  }

  public ZoneId zone() {
    return zone;
  }

  /** REST client of this workspace (created on first use, closed by the engine). */
  public DatabricksApi api() {
    return api.get();
  }

  /** Scratch folder of this run and module; deleted by the engine afterwards. */
  public String tempDir() {
    return tempDir;
  }

  public boolean tableExists(TargetTable table) {
    return store.exists(table);
  }

  /** The source rows of this workspace within this module's window, widened by lagDays. */
  public Dataset<Row> readIncremental(TargetTable source, int lagDays) {
    return store.readIncremental(source, organizationId(), window, lagDays, zone);
  }

  /** Every row of this workspace in the source table. */
  public Dataset<Row> readAll(TargetTable source) {
    return store.readAll(source, organizationId());
  }

  /** Records that could not be parsed (columns of {@link Quarantine#SCHEMA}); written and counted by the engine. */
  public void quarantine(Dataset<Row> badRecords) {
    quarantined.add(badRecords);
  }

  /** Rows for one of the module's declared side targets (error tables, trackers). */
  public void sideOutput(TargetTable table, Dataset<Row> rows) {
    if (!spec.sideTargets().contains(table)) {
      throw new IllegalArgumentException(table.name() + " is not a declared side target of module " + spec.id());
    }
    sideOutputs.merge(table, rows, Dataset::unionByName);
  }

  List<Dataset<Row>> quarantined() {
    return quarantined;
  }

  Map<TargetTable, Dataset<Row>> sideOutputs() {
    return sideOutputs;
  }
}
