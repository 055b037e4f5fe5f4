package dev.overwatch.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.OverwatchRun;
import dev.overwatch.api.v1alpha1.ScheduleSpec;
import dev.overwatch.api.v1alpha1.ScheduleSpec.ConcurrencyPolicy;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a due time does under each concurrency policy (pure). */
class ScheduleDecisionTest {
  static final Instant DUE = Instant.parse("2026-11-05T02:00:00Z");

  @Test
  void policies() {
    OverwatchRun running = Fixtures.startedRun("r1", "d");
    OverwatchRun pending = Fixtures.run("r2", "d"); // not reconciled yet: counts as waiting
    ScheduleSpec s = schedule(ConcurrencyPolicy.Forbid);
    assertTrue(ScheduleDecision.decide(s, DUE, DUE, List.of()).create());
    ScheduleDecision forbid = ScheduleDecision.decide(s, DUE, DUE, List.of(pending));
    assertFalse(forbid.create(), "a Pending run counts as unfinished");
    assertEquals("run r2 still unfinished (concurrencyPolicy Forbid)", forbid.skipReason());

    s = schedule(ConcurrencyPolicy.Replace);
    assertEquals(List.of("r1", "r2"), ScheduleDecision.decide(s, DUE, DUE, List.of(running, pending)).cancel());

    s = schedule(ConcurrencyPolicy.Allow);
    s.maxQueuedRuns = 1;
    assertTrue(ScheduleDecision.decide(s, DUE, DUE, List.of(running)).create(), "one may wait behind the active run");
    ScheduleDecision full = ScheduleDecision.decide(s, DUE, DUE, List.of(running, pending));
    assertFalse(full.create());
    assertEquals("1 run(s) already waiting, maxQueuedRuns 1 (concurrencyPolicy Allow)", full.skipReason());
    s.maxQueuedRuns = 0;
    assertTrue(ScheduleDecision.decide(s, DUE, DUE, List.of()).create());
  }

  @Test
  void startingDeadline() {
    ScheduleSpec s = schedule(ConcurrencyPolicy.Allow);
    s.startingDeadlineSeconds = 600L;
    assertTrue(ScheduleDecision.decide(s, DUE, DUE.plusSeconds(600), List.of()).create());
    ScheduleDecision late = ScheduleDecision.decide(s, DUE, DUE.plusSeconds(601), List.of());
    assertFalse(late.create());
    assertTrue(late.skipReason().contains("not started within startingDeadlineSeconds (600s; 601s late)"), late.skipReason());
  }

  static ScheduleSpec schedule(ConcurrencyPolicy p) {
    ScheduleSpec s = new ScheduleSpec();
    s.cron = "0 2 * * *";
    s.concurrencyPolicy = p;
    return s;
  }
}
