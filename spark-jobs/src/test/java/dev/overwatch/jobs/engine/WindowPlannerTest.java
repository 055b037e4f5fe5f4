package dev.overwatch.jobs.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.jobs.config.Scope;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Window rules of pipeline.md section 2, without Spark. */
class WindowPlannerTest {
  private static final ZoneId UTC = ZoneOffset.UTC;
  private static final long SNAP = Instant.parse("2026-11-10T12:00:00Z").toEpochMilli();
  private static final ModuleSpec AUDIT = ModuleSpec.of(1004, "Bronze_AuditLogs", Layer.BRONZE, Scope.AUDIT,
      TargetTable.append("t", List.of(), List.of(), List.of()));
  private static final ModuleSpec EVENTS = ModuleSpec.of(1005, "Bronze_ClusterEventLogs", Layer.BRONZE,
      Scope.CLUSTER_EVENTS, TargetTable.append("e", List.of(), List.of(), List.of()), 1004)
      .withHardLimitMaxHistoryDays(60);

  private static long ms(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  private WindowPlanner planner(int maxDays, String primordial) {
    return new WindowPlanner(SNAP, maxDays, Optional.ofNullable(primordial).map(LocalDate::parse), UTC);
  }

  @Test
  void firstRunStartsAtThePrimordialDateAndEndsAtTheSnapshot() {
    var plan = planner(60, "2026-11-01").plan(AUDIT, Optional.empty(), List.of(), Map.of());
    assertEquals(ms("2026-11-01T00:00:00Z"), plan.window().fromTS());
    assertEquals(SNAP, plan.window().untilTS());
    assertTrue(plan.window().firstRun());
    assertEquals(WindowPlanner.Block.NONE, plan.block());
  }

  @Test
  void withoutPrimordialDateTheFirstRunLooksBackMaxDays() {
    var plan = planner(5, null).plan(AUDIT, Optional.empty(), List.of(), Map.of());
    assertEquals(ms("2026-11-05T00:00:00Z"), plan.window().fromTS());
    // Issue 9 defect 7: ending at midnight left out what a new user had just produced (event logs of today).
    assertEquals(SNAP, plan.window().untilTS(), "the first window ends at the snapshot, not at midnight");
    var second = planner(5, null).plan(AUDIT, Optional.of(new ModuleState(1004, 0, ms("2026-11-01T00:00:00Z"),
        "SUCCESS")), List.of(), Map.of());
    assertEquals(ms("2026-11-06T00:00:00Z"), second.window().untilTS(), "later windows are still capped by maxDays");
  }

  @Test
  void incrementalRunStartsExactlyAtThePreviousUntil() {
    long prev = ms("2026-11-08T06:30:00Z");
    var plan = planner(60, "2026-11-01").plan(AUDIT, Optional.of(new ModuleState(1004, 0, prev, "SUCCESS")), List.of(), Map.of());
    assertEquals(prev, plan.window().fromTS());
    assertEquals(SNAP, plan.window().untilTS());
    assertFalse(plan.window().firstRun());
  }

  @Test
  void maxDaysCapsTheWindowInCalendarDays() {
    var plan = planner(3, "2026-11-01").plan(AUDIT, Optional.empty(), List.of(), Map.of());
    assertEquals(ms("2026-11-04T00:00:00Z"), plan.window().untilTS());
    assertEquals(4, plan.window().daysToProcess(UTC));
  }

  @Test
  void dependencyCapsTheUntilOfItsChild() {
    long depUntil = ms("2026-11-09T00:00:00Z");
    var plan = planner(60, "2026-11-01").plan(EVENTS, Optional.of(new ModuleState(1005, 0, ms("2026-11-10T00:00:00Z") - 2 * 86_400_000L, "SUCCESS")),
        List.of(1004), Map.of(1004, new ModuleState(1004, 0, depUntil, "SUCCESS")));
    assertEquals(depUntil, plan.window().untilTS());
  }

  @Test
  void emptyWithProgressionStillAdvancesChildren() {
    long depUntil = ms("2026-11-09T00:00:00Z");
    var plan = planner(60, "2026-11-01").plan(EVENTS, Optional.of(new ModuleState(1005, 0, ms("2026-11-08T00:00:00Z"), "SUCCESS")),
        List.of(1004), Map.of(1004, new ModuleState(1004, 0, depUntil, "EMPTY: no new data")));
    assertEquals(depUntil, plan.window().untilTS());
  }

  @Test
  void dependencyThatNeverRanBlocksWithoutProgression() {
    var plan = planner(60, "2026-11-01").plan(EVENTS, Optional.empty(), List.of(1004), Map.of());
    assertEquals(WindowPlanner.Block.DEPENDENCY_NEVER_RAN, plan.block());
    assertEquals(plan.window().fromTS(), plan.window().untilTS());
  }

  @Test
  void dependencyThatFailedInThisRunBlocksWithNotRun() {
    var plan = planner(60, "2026-11-01").plan(EVENTS, Optional.empty(), List.of(1004),
        Map.of(1004, new ModuleState(1004, 0, SNAP, "FAILED")));
    assertEquals(WindowPlanner.Block.DEPENDENCY_FAILED, plan.block());
    assertTrue(plan.reason().contains("not run: dependency 1004 failed"));
  }

  @Test
  void hardLimitKeepsTheFirstRunWithinItsHistory() {
    var plan = planner(60, "2026-01-01").plan(EVENTS, Optional.empty(), List.of(), Map.of());
    assertEquals(ms("2026-09-11T00:00:00Z"), plan.window().fromTS(), "snapshot date minus 60 days");
  }

  @Test
  void windowsAreContiguousAcrossRuns() {
    WindowPlanner p = planner(2, "2026-11-01");
    Optional<ModuleState> last = Optional.empty();
    long expectedFrom = ms("2026-11-01T00:00:00Z");
    for (int run = 0; run < 6; run++) {
      var w = p.plan(AUDIT, last, List.of(), Map.of()).window();
      assertEquals(expectedFrom, w.fromTS());
      assertTrue(w.untilTS() >= w.fromTS() && w.untilTS() <= SNAP);
      last = Optional.of(new ModuleState(1004, w.fromTS(), w.untilTS(), "SUCCESS"));
      expectedFrom = w.untilTS();
    }
    assertEquals(SNAP, expectedFrom);
  }

  @Test
  void timeZonePinsDayBoundaries() {
    WindowPlanner p = new WindowPlanner(SNAP, 60, Optional.of(LocalDate.parse("2026-11-01")), ZoneId.of("America/New_York"));
    assertEquals(ms("2026-11-01T04:00:00Z"), p.plan(AUDIT, Optional.empty(), List.of(), Map.of()).window().fromTS());
  }
}
