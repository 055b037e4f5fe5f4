package dev.overwatch.jobs.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.overwatch.api.v1alpha1.OverwatchDeploymentSpec;
import dev.overwatch.jobs.config.Redaction;
import dev.overwatch.jobs.sources.ApiCall;
import dev.overwatch.jobs.sources.ApiClients;
import dev.overwatch.jobs.sources.DatabricksApi;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Everything shared by the modules of one layer for one workspace. */
final class WorkspaceRun implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RunSettings settings;
  private final WorkspaceConfig workspace;
  private final TableStore store;
  private final PipelineReport.Workspace report;
  private final ModuleRegistry registry;
  private final WindowPlanner planner;
  private final ZoneId zone;
  private final String tempRoot;
  private final WriterLease lease;
  private DatabricksApi api;
  /** Collects the REST requests of this workspace when features.traceApi is on. */
  private final Optional<ApiTrace> apiTrace;

  WorkspaceRun(RunSettings settings, WorkspaceConfig workspace, TableStore store, PipelineReport.Workspace report,
      ModuleRegistry registry, String tempRoot, WriterLease lease) {
    OverwatchDeploymentSpec spec = settings.deployment().getSpec();
    this.settings = settings;
    this.workspace = workspace;
    this.store = store;
    this.report = report;
    this.registry = registry;
    this.zone = ZoneId.of(spec.timeZone);
    this.planner = new WindowPlanner(settings.snapshot().toEpochMilli(), spec.maxDaysToLoad,
        Optional.ofNullable(spec.primordialDate).map(LocalDate::parse), zone);
    this.tempRoot = tempRoot;
    this.lease = lease;
    this.apiTrace = ApiTrace.enabled(spec) ? Optional.of(new ApiTrace()) : Optional.empty();
  }

  /** Fails when this process is no longer the storage's writer. */
  void checkLease() {
    lease.checkHeld();
  }

  RunSettings settings() {
    return settings;
  }

  WorkspaceConfig workspace() {
    return workspace;
  }

  TableStore store() {
    return store;
  }

  /** This workspace's pipeline_report, read once per run. */
  PipelineReport.Workspace report() {
    return report;
  }

  WindowPlanner planner() {
    return planner;
  }

  FaultInjection faults() {
    return settings.faults();
  }

  String runId() {
    return settings.runId();
  }

  Instant snapshot() {
    return settings.snapshot();
  }

  String primordialDate() {
    return settings.deployment().getSpec().primordialDate;
  }

  /** Dependencies whose module belongs to a scope this workspace runs; the others cannot block it. */
  List<Integer> applicableDependencies(ModuleSpec spec) {
    return spec.dependencies().stream()
        .filter(dep -> registry.byId(dep).map(m -> workspace.hasScope(m.spec().scope())).orElse(false))
        .toList();
  }

  TableStore.WriteRequest writeRequest(TimeWindow window, long attempt, String attemptId) {
    return new TableStore.WriteRequest(workspace.organizationId(), workspace.name(), settings.runId(),
        settings.snapshot(), window, zone, attempt, attemptId);
  }

  ModuleContext newContext(ModuleSpec spec, TimeWindow window) {
    String tempDir = tempRoot + "/" + workspace.organizationId() + "/" + settings.runId() + "/" + spec.id();
    return new ModuleContext(spec, workspace, settings.deployment().getSpec(), store, window, settings.runId(),
        settings.snapshot(), zone, this::api, tempDir);
  }

  private synchronized DatabricksApi api() {
    if (api == null) {
      api = ApiClients.forWorkspace(workspace, apiTrace.<ApiCall.Listener>map(t -> t).orElse(ApiCall.Listener.NONE));
    }
    return api;
  }

  Optional<ApiTrace> apiTrace() {
    return apiTrace;
  }

  void deleteTempDir(ModuleContext ctx) {
    try {
      Path path = new Path(ctx.tempDir());
      FileSystem fs = path.getFileSystem(store.spark().sparkContext().hadoopConfiguration());
      fs.delete(path, true);
    } catch (IOException e) {
      org.slf4j.LoggerFactory.getLogger(WorkspaceRun.class).warn("Could not delete {}", ctx.tempDir(), e);
    }
  }

  /** The deployment as configured, secret values (e.g. a storage key in sparkConf) redacted; references stay. */
  String inputConfig() {
    try {
      return JSON.writeValueAsString(Redaction.redactTree(JSON.valueToTree(settings.deployment().getSpec())));
    } catch (JsonProcessingException e) {
      return "{}";
    }
  }

  String parsedConfig() {
    Map<String, Object> parsed = new LinkedHashMap<>();
    parsed.put("workspace", workspace.name());
    parsed.put("overwatchScope", workspace.scopes().stream().map(s -> s.configName()).sorted().toList());
    parsed.put("tokenUsed", workspace.apiReplayPath().isPresent() ? "Replay" : "Environment");
    parsed.put("targetDatabase", store.etlDatabase());
    parsed.put("packageVersion", WorkspaceRun.class.getPackage().getImplementationVersion());
    try {
      return JSON.writeValueAsString(parsed);
    } catch (JsonProcessingException e) {
      return "{}";
    }
  }

  @Override
  public synchronized void close() {
    if (api != null) {
      api.close();
      api = null;
    }
  }
}
