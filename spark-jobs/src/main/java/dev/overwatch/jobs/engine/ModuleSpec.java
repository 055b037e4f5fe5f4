package dev.overwatch.jobs.engine;

import dev.overwatch.jobs.config.Scope;
import java.util.List;
import java.util.Optional;

/**
 * Identity and wiring of a module.
 *
 * @param sideTargets extra tables the module writes in the same run (error tables, trackers); rolled back with it
 * @param hardLimitMaxHistoryDays optional maximum look-back in days (only 1005 sets it)
 */
public record ModuleSpec(int id, String name, Layer layer, Scope scope, TargetTable target, List<Integer> dependencies,
    List<TargetTable> sideTargets, Optional<Integer> hardLimitMaxHistoryDays) {

  public ModuleSpec {
    dependencies = List.copyOf(dependencies);
    sideTargets = List.copyOf(sideTargets);
  }

  public static ModuleSpec of(int id, String name, Layer layer, Scope scope, TargetTable target, Integer... deps) {
    return new ModuleSpec(id, name, layer, scope, target, List.of(deps), List.of(), Optional.empty());
  }

  public ModuleSpec withSideTargets(TargetTable... tables) {
    return new ModuleSpec(id, name, layer, scope, target, dependencies, List.of(tables), hardLimitMaxHistoryDays);
  }

  public ModuleSpec withHardLimitMaxHistoryDays(int days) {
    return new ModuleSpec(id, name, layer, scope, target, dependencies, sideTargets, Optional.of(days));
  }
}
