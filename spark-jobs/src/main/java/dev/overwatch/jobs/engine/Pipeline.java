package dev.overwatch.jobs.engine;

import dev.overwatch.api.v1alpha1.OverwatchDeploymentSpec;
import dev.overwatch.api.v1alpha1.WorkspaceSpec;
import dev.overwatch.jobs.config.StoragePaths;
import dev.overwatch.jobs.prices.PriceRefresh;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes the layers of a run for every active workspace. Workspaces run in parallel, each in its
 * own Spark session (isolated SQL conf) over the shared Spark context; one workspace failing does
 * not stop the others.
 */
public final class Pipeline {
  public static final String SCHEMA_VERSION = "0.700";
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
  private static final int WORKSPACE_PARALLELISM = 4;
  /** How far a snapshot time may lie ahead of this machine's clock (clocks of pods and callers differ a little). */
  public static final java.time.Duration MAX_CLOCK_SKEW = java.time.Duration.ofMinutes(5);

  private final SparkSession spark;
  private final ModuleRegistry registry;
  private final Consumer<ModuleResult> progress;
  private final PhaseTimings timings = new PhaseTimings();

  public Pipeline(SparkSession spark, ModuleRegistry registry, Consumer<ModuleResult> progress) {
    this.spark = spark;
    this.registry = registry;
    this.progress = progress;
  }

  public List<ModuleResult> run(RunSettings settings) {
    return run(settings, () -> { });
  }

  /** Wall time of this pipeline's fixed phases and layers so far (the run summary prints them). */
  public PhaseTimings timings() {
    return timings;
  }

  /**
   * Runs the layers holding the storage's writer lease; {@code beforeRelease} runs last, still under the lease
   * (the CLI closes an embedded catalog there, which a waiting process opens next).
   */
  public List<ModuleResult> run(RunSettings settings, Runnable beforeRelease) {
    OverwatchDeploymentSpec spec = settings.deployment().getSpec();
    if (settings.snapshot().isAfter(java.time.Instant.now().plus(MAX_CLOCK_SKEW))) {
      throw new IllegalArgumentException("snapshot time " + settings.snapshot() + " is in the future; windows would"
          + " skip the days up to it");
    }
    spark.conf().set("spark.sql.session.timeZone", spec.timeZone);
    Databases databases = new Databases(spark, spec);
    // One writer per storage: a second process would take this run's RUNNING markers for a dead run's.
    try (WriterLease lease = WriterLease.acquire(WriterLease.location(databases.storagePrefix(), spec.etlDatabase),
        spark.sparkContext().hadoopConfiguration(), settings.runId(), settings.lease(), java.time.Clock.systemUTC(),
        LOG::warn)) {
      PipelineReport report = new PipelineReport(databases.store(spark));
      // Each workspace's report rows are read once per run: this process is the storage's only writer (the lease)
      // and answers later layers from the rows it read plus those it wrote.
      Map<String, PipelineReport.Workspace> reports = new ConcurrentHashMap<>();
      // The first catalog call (Hive client, Derby, DataNucleus) and the first Delta read (the report) are the two
      // largest start-up costs and need nothing from each other: the catalog starts on its own thread while this
      // one reads the report by path.
      java.util.concurrent.CompletableFuture<Void> catalog = java.util.concurrent.CompletableFuture.runAsync(
          () -> timings.time("databases", () -> {
            databases.ensure();
            databases.store(spark).registeredInCatalog();
          }));
      RuntimeException readFailure = null;
      try {
        if (settings.layers().stream().anyMatch(l -> l != Layer.PRESENTATION)) {
          timings.time("report read", () -> prefetchReports(spec, report, reports));
        }
      } catch (RuntimeException e) {
        readFailure = e;  // after the catalog thread has ended: nothing may run on once the lease is released
      }
      try {
        catalog.join();
      } catch (java.util.concurrent.CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
      if (readFailure != null) {
        throw readFailure;
      }
      timings.time("report table", report::ensureTable);
      List<ModuleResult> results = new ArrayList<>();
      for (Layer layer : settings.layers()) {
        if (layer == Layer.PRESENTATION) {
          results.addAll(timings.time(layer.cliName(),
              () -> new PresentationStep(spark, databases, registry).publish(settings, progress)));
        } else {
          results.addAll(timings.time(layer.cliName(),
              () -> runLayer(layer, settings, databases, lease, report, reports)));
        }
      }
      TableMaintenance maintenance = new TableMaintenance(databases.store(spark), spec.maintenance, settings.runId(),
          java.time.Instant.now());
      if (maintenance.scheduled()) {
        // After the layers, still under the lease: no module writes while a table is compacted and vacuumed.
        for (ModuleResult r : timings.time("maintenance",
            () -> maintenance.run(registry, java.util.EnumSet.copyOf(settings.layers()), false))) {
          results.add(r);
          progress.accept(r);
        }
      }
      // Once per run, after every layer and workspace: parallel CREATE OR REPLACE VIEW of one view races in the
      // catalog, and its text never changes within a run.
      timings.time("pipReport view", report::publishView);
      timings.time("release", beforeRelease);
      return results;
    }
  }

  /**
   * Reads the report rows of every active workspace, when the report exists with every column the engine reads
   * (else the workspaces read it after {@link PipelineReport#ensureTable} has added them).
   */
  private static void prefetchReports(OverwatchDeploymentSpec spec, PipelineReport report,
      Map<String, PipelineReport.Workspace> reports) {
    if (!report.readableByPath()) {
      return;
    }
    for (WorkspaceSpec ws : spec.workspaces) {
      if (!Boolean.FALSE.equals(ws.active)) {
        String org = WorkspaceConfig.of(spec, ws).organizationId();
        reports.computeIfAbsent(org, report::forWorkspace);
      }
    }
  }

  /**
   * OPTIMIZE and VACUUM of the deployment's tables under the writer lease ({@code overwatch maintain}): those due by
   * {@code spec.maintenance}, every table when there is no schedule or when {@code force}.
   */
  public List<ModuleResult> maintain(RunSettings settings, boolean force, Runnable beforeRelease) {
    OverwatchDeploymentSpec spec = settings.deployment().getSpec();
    Databases databases = new Databases(spark, spec);
    try (WriterLease lease = WriterLease.acquire(WriterLease.location(databases.storagePrefix(), spec.etlDatabase),
        spark.sparkContext().hadoopConfiguration(), settings.runId(), settings.lease(), java.time.Clock.systemUTC(),
        LOG::warn)) {
      databases.ensure();
      new PipelineReport(databases.store(spark)).ensureTable();
      List<ModuleResult> results = new TableMaintenance(databases.store(spark), spec.maintenance, settings.runId(),
          java.time.Instant.now()).run(registry, java.util.EnumSet.allOf(Layer.class), force);
      results.forEach(progress);
      beforeRelease.run();
      return results;
    }
  }

  private List<ModuleResult> runLayer(Layer layer, RunSettings settings, Databases databases, WriterLease lease,
      PipelineReport report, Map<String, PipelineReport.Workspace> reports) {
    OverwatchDeploymentSpec spec = settings.deployment().getSpec();
    List<WorkspaceSpec> active = spec.workspaces.stream().filter(w -> !Boolean.FALSE.equals(w.active)).toList();
    if (layer == Layer.GOLD && active.stream().anyMatch(w -> PriceRefresh.needed(WorkspaceConfig.of(spec, w).scopes()))) {
      // Created once here: workspaces refresh their own partitions in parallel, a parallel CREATE would race.
      PriceRefresh.ensureTables(databases.store(spark));
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(WORKSPACE_PARALLELISM, active.size())));
    try {
      List<Future<List<ModuleResult>>> futures = new ArrayList<>();
      for (WorkspaceSpec ws : active) {
        WorkspaceConfig workspace = WorkspaceConfig.of(spec, ws);
        futures.add(pool.submit(() -> runWorkspaceLayer(layer, settings, databases, workspace, lease,
            () -> reports.computeIfAbsent(workspace.organizationId(),
                org -> timings.time("report read " + workspace.name(), () -> report.forWorkspace(org))))));
      }
      List<ModuleResult> results = new ArrayList<>();
      for (Future<List<ModuleResult>> f : futures) {
        try {
          results.addAll(f.get());
        } catch (ExecutionException e) {
          throw new IllegalStateException("workspace thread failed outside any module", e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  private List<ModuleResult> runWorkspaceLayer(Layer layer, RunSettings settings, Databases databases,
      WorkspaceConfig workspace, WriterLease lease, Supplier<PipelineReport.Workspace> report) {
    OverwatchDeploymentSpec spec = settings.deployment().getSpec();
    SparkSession session = spark.newSession();
    session.conf().set("spark.sql.session.timeZone", spec.timeZone);
    TableStore store = databases.store(session);
    String tempRoot = databases.storagePrefix() + "/_tmp";
    List<ModuleResult> results = new ArrayList<>();
    try (WorkspaceRun run = new WorkspaceRun(settings, workspace, store, report.get(), registry, tempRoot, lease)) {
      Map<Integer, ModuleState> states = new HashMap<>(run.report().states());
      ModuleExecutor executor = new ModuleExecutor(run);
      if (layer == Layer.GOLD && PriceRefresh.needed(workspace.scopes())) {
        // Prices are refreshed before any gold module reads them (costs.md 2, gold.md 1.9).
        ModuleResult prices = refreshPrices(settings, workspace, store);
        results.add(prices);
        progress.accept(prices);
      }
      for (Module module : registry.forLayer(layer)) {
        ModuleSpec ms = module.spec();
        if (!workspace.hasScope(ms.scope()) || !settings.selects(ms.id()) || !module.appliesTo(workspace, spec)) {
          continue;
        }
        ModuleResult result = executor.execute(module, states);
        states.put(ms.id(), new ModuleState(ms.id(), result.fromTS(), result.untilTS(),
            result.outcome() == ModuleResult.Outcome.FAILED ? Statuses.FAILED_PREFIX : stateStatus(result)));
        results.add(result);
        progress.accept(result);
        settings.faults().afterReport(ms.id());
      }
      run.report().flush();
    } catch (RuntimeException e) {
      LOG.error("Workspace {} stopped in layer {}", workspace.name(), layer, e);
      results.add(new ModuleResult(workspace.name(), workspace.organizationId(), 0, "(workspace setup)", layer,
          ModuleResult.Outcome.FAILED, 0, 0, 0, 0, String.valueOf(e.getMessage())));
    }
    return results;
  }

  /**
   * Seeds / re-prices the price tables of one workspace. Rejected rows of the user's price file go
   * to the quarantine; a failure is reported (the run exits non-zero) and the cost modules then
   * validate and use the tables as they were.
   */
  private ModuleResult refreshPrices(RunSettings settings, WorkspaceConfig workspace, TableStore store) {
    String name = "PriceTables (instanceDetails, dbuCostDetails)";
    long now = settings.snapshot().toEpochMilli();
    try {
      PriceRefresh.Outcome outcome = new PriceRefresh(store, workspace, settings.deployment().getSpec(),
          settings.snapshot(), settings.runId()).run();
      if (!outcome.rejected().isEmpty()) {
        List<Row> bad = outcome.rejected().stream().map(r -> RowFactory.create(workspace.organizationId(), r.source(),
            "line " + r.line(), r.reason(), r.record())).toList();
        Quarantine.write(store, List.of(store.spark().createDataFrame(bad, Quarantine.SCHEMA)), 0, "PriceTables",
            new TableStore.WriteRequest(workspace.organizationId(), workspace.name(), settings.runId(),
                settings.snapshot(), new TimeWindow(now, now, false), ZoneId.of(settings.deployment().getSpec().timeZone), 0,
                "prices:" + settings.runId()));
      }
      long changed = outcome.rowsOpened() + outcome.rowsClosed();
      String message = outcome.rowsOpened() + " row(s) opened, " + outcome.rowsClosed() + " closed"
          + (outcome.rejected().isEmpty() ? "" : ", " + outcome.rejected().size() + " price-file row(s) quarantined");
      return new ModuleResult(workspace.name(), workspace.organizationId(), 0, name, Layer.GOLD,
          changed == 0 ? ModuleResult.Outcome.EMPTY : ModuleResult.Outcome.SUCCESS, now, now, changed,
          outcome.rejected().size(), message);
    } catch (RuntimeException e) {
      LOG.error("Refreshing the price tables failed for workspace {}", workspace.name(), e);
      return new ModuleResult(workspace.name(), workspace.organizationId(), 0, name, Layer.GOLD,
          ModuleResult.Outcome.FAILED, now, now, 0, 0, String.valueOf(e.getMessage()));
    }
  }

  private static String stateStatus(ModuleResult result) {
    return result.outcome() == ModuleResult.Outcome.SUCCESS ? Statuses.SUCCESS : Statuses.EMPTY_PREFIX;
  }

  /** ETL and consumer databases of a deployment. */
  public static final class Databases {
    private final SparkSession spark;
    private final OverwatchDeploymentSpec spec;
    private final String storagePrefix;
    private final java.util.Set<String> registered = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public Databases(SparkSession spark, OverwatchDeploymentSpec spec) {
      this.spark = spark;
      this.spec = spec;
      this.storagePrefix = StoragePaths.qualify(spec.storage.prefix);
    }

    public String storagePrefix() {
      return storagePrefix;
    }

    /** A store of the ETL database for one session; the stores of a run register each table once. */
    public TableStore store(SparkSession session) {
      return new TableStore(session, storagePrefix, spec.etlDatabase, registered);
    }

    public String etl() {
      return spec.etlDatabase;
    }

    public String consumer() {
      return spec.consumerDatabase;
    }

    public ZoneId zone() {
      return ZoneId.of(spec.timeZone);
    }

    /**
     * Creates both databases at their locations; refuses an ETL database that Overwatch did not create. Asks the
     * catalog directly, so databases that exist already cost one lookup each and no DDL.
     */
    public void ensure() {
      var catalog = spark.sessionState().catalog().externalCatalog();
      if (catalog.databaseExists(spec.etlDatabase)) {
        if (!"TRUE".equalsIgnoreCase(catalog.getDatabase(spec.etlDatabase).properties().getOrElse("OVERWATCHDB",
            () -> ""))) {
          throw new IllegalStateException("database " + spec.etlDatabase
              + " exists but was not created by Overwatch (no OVERWATCHDB property); choose another spec.etlDatabase");
        }
      } else {
        spark.sql("CREATE DATABASE IF NOT EXISTS `" + spec.etlDatabase + "` LOCATION '" + storagePrefix + "/"
            + spec.etlDatabase + "' WITH DBPROPERTIES ('OVERWATCHDB'='TRUE', 'SCHEMA'='" + SCHEMA_VERSION + "')");
      }
      if (catalog.databaseExists(spec.consumerDatabase)) {
        return;
      }
      spark.sql("CREATE DATABASE IF NOT EXISTS `" + spec.consumerDatabase + "` LOCATION '" + storagePrefix + "/"
          + spec.consumerDatabase + "'");
    }
  }
}
