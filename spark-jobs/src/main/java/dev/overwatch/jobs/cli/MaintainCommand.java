package dev.overwatch.jobs.cli;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.jobs.Modules;
import dev.overwatch.jobs.engine.FaultInjection;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.ModuleResult;
import dev.overwatch.jobs.engine.Pipeline;
import dev.overwatch.jobs.engine.RunSettings;
import dev.overwatch.jobs.engine.SparkSessions;
import dev.overwatch.jobs.engine.WriterLease;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code maintain}: OPTIMIZE and VACUUM of the deployment's tables, outside the schedule of {@code run}. */
@Command(name = "maintain", mixinStandardHelpOptions = true,
    description = "OPTIMIZE (z-ordered where the spec says) and VACUUM the deployment's Delta tables: those due by"
        + " spec.maintenance, or every table when it sets no schedule or with --force.")
final class MaintainCommand implements Callable<Integer> {
  @Mixin
  DeploymentOption deployment;

  @Option(names = "--force", description = "Maintain every table now, whatever the schedule.")
  boolean force;

  @Option(names = "--lease-wait", paramLabel = "SECONDS", defaultValue = "1800",
      description = "How long to wait while a run writes to the same storage; 0 fails at once (default: ${DEFAULT-VALUE}).")
  long leaseWaitSeconds;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (leaseWaitSeconds < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--lease-wait: seconds, 0 or more (got " + leaseWaitSeconds + ")");
    }
    OverwatchDeployment dep = deployment.load();
    RunSettings settings = new RunSettings(dep, RunSettings.newRunId(), Instant.now(), Arrays.asList(Layer.values()),
        Set.of(), Set.of(), Set.of(), FaultInjection.none(),
        new WriterLease.Policy(Duration.ofSeconds(leaseWaitSeconds), WriterLease.Policy.DEFAULT.ttl()));
    PrintWriter out = spec.commandLine().getOut();
    List<ModuleResult> results;
    try {
      results = new Pipeline(DeploymentOption.session(dep), Modules.all(), r -> {
        out.println(SummaryTable.progressLine(r));
        out.flush();
      }).maintain(settings, force, () -> SparkSessions.closeEmbeddedCatalog(dep.getSpec()));
    } catch (WriterLease.HeldException e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return OverwatchJob.EXIT_FAILED;
    }
    boolean ok = results.stream().noneMatch(ModuleResult::failed);
    out.printf("%s: %d table(s) maintained, %d failed%n", ok ? "SUCCEEDED" : "FAILED",
        results.stream().filter(r -> r.outcome() == ModuleResult.Outcome.SUCCESS).count(),
        results.stream().filter(ModuleResult::failed).count());
    out.flush();
    return ok ? 0 : OverwatchJob.EXIT_FAILED;
  }
}
