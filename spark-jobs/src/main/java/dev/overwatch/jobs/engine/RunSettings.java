package dev.overwatch.jobs.engine;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One run of the pipeline: its id, its snapshot time (upper bound of every window, shared by all
 * layers of the run) and which modules it may execute.
 */
public record RunSettings(OverwatchDeployment deployment, String runId, Instant snapshot, List<Layer> layers,
    Set<Integer> includeModules, Set<Integer> excludeModules, Set<Integer> disabledModules, FaultInjection faults,
    WriterLease.Policy lease) {

  /** Settings with the default writer-lease policy (wait up to 30 min for another run, ttl 60 s). */
  public RunSettings(OverwatchDeployment deployment, String runId, Instant snapshot, List<Layer> layers,
      Set<Integer> includeModules, Set<Integer> excludeModules, Set<Integer> disabledModules, FaultInjection faults) {
    this(deployment, runId, snapshot, layers, includeModules, excludeModules, disabledModules, faults,
        WriterLease.Policy.DEFAULT);
  }

  public RunSettings {
    // Windows are epoch milliseconds; a finer Pipeline_SnapTS would sort after its own window's end and make
    // readers of "rows written since fromTS" (gold over silver) re-read the previous run's batch every time.
    snapshot = snapshot.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    layers = List.copyOf(layers);
    includeModules = Set.copyOf(includeModules);
    excludeModules = Set.copyOf(excludeModules);
    disabledModules = Set.copyOf(disabledModules);
  }

  /** Random UUID without dashes, as the original Overwatch_RunID. */
  public static String newRunId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  public boolean selects(int moduleId) {
    return (includeModules.isEmpty() || includeModules.contains(moduleId)) && !excludeModules.contains(moduleId);
  }
}
