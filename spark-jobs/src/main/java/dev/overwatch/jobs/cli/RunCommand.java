package dev.overwatch.jobs.cli;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchRun;
import dev.overwatch.jobs.Modules;
import dev.overwatch.jobs.config.Deployments;
import dev.overwatch.jobs.engine.FaultInjection;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.ModuleResult;
import dev.overwatch.jobs.engine.Pipeline;
import dev.overwatch.jobs.engine.RunSettings;
import dev.overwatch.jobs.engine.RunSummary;
import dev.overwatch.jobs.engine.SparkSessions;
import dev.overwatch.jobs.engine.WriterLease;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code run}: executes layers of the pipeline and prints a summary. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the pipeline: a progress line per module, then a summary table.")
final class RunCommand implements Callable<Integer> {
  private static final Pattern RUN_ID = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");

  @Mixin
  DeploymentOption deployment;

  @Option(names = "--layer", defaultValue = "all", paramLabel = "LAYER",
      description = "bronze, silver, gold, presentation or all (default: ${DEFAULT-VALUE}).")
  String layer;

  @Option(names = "--snapshot-time", paramLabel = "ISO-8601",
      description = "Upper bound of every window, e.g. 2026-11-05T00:00:00Z (default: now, or the run file's).")
  String snapshotTime;

  @Option(names = "--run-id", paramLabel = "ID", description = "Overwatch_RunID to use (default: new, or the run file's).")
  String runId;

  @Option(names = "--run", paramLabel = "FILE", description = "OverwatchRun resource (YAML) giving run id, snapshot time and modules.")
  Path runFile;

  @Option(names = "--lease-wait", paramLabel = "SECONDS", defaultValue = "1800",
      description = "How long to wait while another run writes to the same storage; 0 fails at once"
          + " (default: ${DEFAULT-VALUE}).")
  long leaseWaitSeconds;

  @Option(names = "--summary-file", paramLabel = "PATH", description = "Write the JSON summary there (pods: /dev/termination-log).")
  Path summaryFile;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    OverwatchDeployment dep = deployment.load();
    List<Layer> layers = parseLayers();
    Set<Integer> include = new HashSet<>();
    Set<Integer> exclude = new HashSet<>();
    String id = runId;
    String snap = snapshotTime;
    if (runFile != null) {
      OverwatchRun run = Deployments.loadRun(runFile);
      if (run.getSpec() != null) {
        include.addAll(run.getSpec().includeModules);
        exclude.addAll(run.getSpec().excludeModules);
        snap = snap != null ? snap : run.getSpec().snapshotTime;
      }
      if (run.getStatus() != null) {
        id = id != null ? id : run.getStatus().runId;
        snap = snap != null ? snap : run.getStatus().snapshotTime;
      }
    }
    if (id != null && !RUN_ID.matcher(id).matches()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--run-id: letters, digits, '-' and '_' only (max 64)");
    }
    if (leaseWaitSeconds < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--lease-wait: seconds, 0 or more (got " + leaseWaitSeconds + ")");
    }
    WriterLease.Policy lease = new WriterLease.Policy(Duration.ofSeconds(leaseWaitSeconds), leaseTtl());
    RunSettings settings = new RunSettings(dep, id != null ? id : RunSettings.newRunId(), parseSnapshot(snap), layers,
        include, exclude, new HashSet<>(dep.getSpec().disabledModules), FaultInjection.fromEnv(System.getenv()), lease);
    PrintWriter out = spec.commandLine().getOut();
    out.printf("Overwatch run %s, snapshot %s, layers %s%n", settings.runId(), settings.snapshot(),
        layers.stream().map(Layer::cliName).toList());
    out.flush();
    long started = System.currentTimeMillis();
    // JVM start to here: class loading, picocli, reading and validating the deployment.
    long jvmUp = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
    List<ModuleResult> results;
    Pipeline pipeline;
    try {
      long sessionStart = System.nanoTime();
      org.apache.spark.sql.SparkSession session = DeploymentOption.session(dep);
      long sessionMillis = (System.nanoTime() - sessionStart) / 1_000_000;
      pipeline = new Pipeline(session, Modules.all(), r -> {
        out.println(SummaryTable.progressLine(r));
        out.flush();
      });
      pipeline.timings().add("jvm start", jvmUp);
      pipeline.timings().add("spark session", sessionMillis);
      results = pipeline.run(settings, () -> SparkSessions.closeEmbeddedCatalog(dep.getSpec()));
    } catch (WriterLease.HeldException e) {
      // Not a crash: another run is the writer. One clear line naming it, no stack trace.
      spec.commandLine().getErr().println("error: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return OverwatchJob.EXIT_FAILED;
    }
    out.println();
    out.print(SummaryTable.render(results));
    String json = RunSummary.toJson(settings.runId(), layer.toLowerCase(Locale.ROOT), settings.snapshot(), results);
    boolean ok = RunSummary.succeeded(results);
    out.printf("%s in %.1f s: %d modules, %d rows written, %d records quarantined%n", ok ? "SUCCEEDED" : "FAILED",
        (System.currentTimeMillis() - started) / 1000.0, results.size(),
        results.stream().mapToLong(ModuleResult::rows).sum(), results.stream().mapToLong(ModuleResult::quarantined).sum());
    out.println("Phases: " + pipeline.timings().summary());
    out.flush();
    if (summaryFile != null) {
      try {
        Files.writeString(summaryFile, json, StandardCharsets.UTF_8);
      } catch (IOException e) {
        spec.commandLine().getErr().println("warning: could not write the summary to " + summaryFile + ": " + e.getMessage());
      }
    }
    return ok ? 0 : OverwatchJob.EXIT_FAILED;
  }

  /** Lease expiry; OVERWATCH_LEASE_TTL_SECONDS shortens it (tests of a killed holder). */
  private static Duration leaseTtl() {
    String ttl = System.getenv("OVERWATCH_LEASE_TTL_SECONDS");
    return ttl == null ? WriterLease.Policy.DEFAULT.ttl() : Duration.ofSeconds(Long.parseLong(ttl));
  }

  private List<Layer> parseLayers() {
    String l = layer.toLowerCase(Locale.ROOT);
    if (l.equals("all")) {
      return Arrays.asList(Layer.values());
    }
    return Arrays.stream(Layer.values()).filter(x -> x.cliName().equals(l)).findFirst().map(List::of)
        .orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
            "--layer: one of bronze, silver, gold, presentation, all (got '" + layer + "')"));
  }

  private Instant parseSnapshot(String value) {
    Instant snapshot = parseSnapshotValue(value);
    if (snapshot.isAfter(Instant.now().plus(Pipeline.MAX_CLOCK_SKEW))) {
      // Windows end at the snapshot; a later run with a real "now" would start after it and skip the days between.
      throw new CommandLine.ParameterException(spec.commandLine(), "--snapshot-time: " + snapshot
          + " is in the future (now " + Instant.now() + "); windows would skip the days up to it");
    }
    return snapshot;
  }

  private Instant parseSnapshotValue(String value) {
    if (value == null) {
      return Instant.now();
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e2) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--snapshot-time: not an ISO-8601 date-time such as 2026-11-05T00:00:00Z: '" + value + "'");
      }
    }
  }
}
