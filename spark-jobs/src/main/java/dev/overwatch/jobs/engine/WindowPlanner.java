package dev.overwatch.jobs.engine;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Computes module windows from the last state, the snapshot time and the dependencies (pipeline.md section 2). */
public final class WindowPlanner {
  private final long snapshotMillis;
  private final int maxDays;
  private final Optional<LocalDate> primordialDate;
  private final ZoneId zone;

  public WindowPlanner(long snapshotMillis, int maxDays, Optional<LocalDate> primordialDate, ZoneId zone) {
    this.snapshotMillis = snapshotMillis;
    this.maxDays = maxDays;
    this.primordialDate = primordialDate;
    this.zone = zone;
  }

  /** Why a module must not run although its window was computed. */
  public enum Block { NONE, DEPENDENCY_NEVER_RAN, DEPENDENCY_FAILED }

  /** A window plus the dependency verdict. */
  public record Plan(TimeWindow window, Block block, String reason) {}

  public long primordialTime(Optional<Integer> hardLimitDays) {
    LocalDate snapDate = Instant.ofEpochMilli(snapshotMillis).atZone(zone).toLocalDate();
    if (primordialDate.isPresent()) {
      long p = startOf(primordialDate.get());
      if (hardLimitDays.isPresent()) {
        p = Math.max(p, startOf(snapDate.minusDays(hardLimitDays.get())));
      }
      return p;
    }
    return startOf(snapDate.minusDays(maxDays));
  }

  /**
   * @param last the module's last valid state, if any
   * @param dependencyStates in-memory states of the dependencies that apply to this workspace (absent = never ran)
   */
  public Plan plan(ModuleSpec spec, Optional<ModuleState> last, List<Integer> dependencies,
      Map<Integer, ModuleState> dependencyStates) {
    boolean firstRun = last.isEmpty();
    long fromTS = last.map(ModuleState::untilTS).orElseGet(() -> primordialTime(spec.hardLimitMaxHistoryDays()));
    long byMaxDays = Instant.ofEpochMilli(fromTS).atZone(zone).toLocalDateTime().plusDays(maxDays)
        .atZone(zone).toInstant().toEpochMilli();
    // The first window without a primordial date looks back maxDays from the snapshot's day and ends at the
    // snapshot itself: capping it at midnight left out what was produced today (decisions.md).
    boolean lookBack = firstRun && primordialDate.isEmpty();
    long untilTS = lookBack ? snapshotMillis : Math.min(byMaxDays, snapshotMillis);
    if (spec.hardLimitMaxHistoryDays().isPresent()) {
      untilTS = Math.max(untilTS, primordialTime(spec.hardLimitMaxHistoryDays()));
    }
    untilTS = Math.max(untilTS, fromTS);
    for (Integer dep : dependencies) {
      ModuleState state = dependencyStates.get(dep);
      if (state == null) {
        return new Plan(new TimeWindow(fromTS, fromTS, firstRun), Block.DEPENDENCY_NEVER_RAN,
            "dependency " + dep + " has never completed for this workspace");
      }
      if (!state.isValid()) {
        return new Plan(new TimeWindow(fromTS, fromTS, firstRun), Block.DEPENDENCY_FAILED,
            "not run: dependency " + dep + " failed");
      }
      untilTS = Math.min(untilTS, Math.max(state.untilTS(), fromTS));
    }
    return new Plan(new TimeWindow(fromTS, untilTS, firstRun), Block.NONE, "");
  }

  private long startOf(LocalDate date) {
    return date.atStartOfDay(zone).toInstant().toEpochMilli();
  }
}
