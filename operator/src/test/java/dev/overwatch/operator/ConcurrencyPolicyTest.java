package dev.overwatch.operator;

import static dev.overwatch.operator.OperatorTestSupport.TIMEOUT;
import static dev.overwatch.operator.OperatorTestSupport.awaitPhase;
import static dev.overwatch.operator.OperatorTestSupport.awaitRun;
import static dev.overwatch.operator.ScheduleTestSupport.events;
import static dev.overwatch.operator.ScheduleTestSupport.firstScheduledRun;
import static dev.overwatch.operator.ScheduleTestSupport.scheduledRuns;
import static dev.overwatch.operator.ScheduleTestSupport.tick;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchRun;
import dev.overwatch.api.v1alpha1.ScheduleSpec;
import dev.overwatch.api.v1alpha1.ScheduleSpec.ConcurrencyPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The schedule's concurrencyPolicy end to end (operator + CRUD mock API server): what a due time
 * does while a run of the deployment is unfinished, as docs/operator.md says: Forbid skips it and
 * reports it, Replace cancels the unfinished run for the new one, Allow queues up to maxQueuedRuns
 * waiting runs and reports the due time beyond that.
 */
@QuarkusTest
@WithKubernetesTestServer
class ConcurrencyPolicyTest {
  private static final Duration HOUR = Duration.ofHours(1);

  @Inject
  KubernetesClient client;

  @Inject
  TestClock clock;

  @BeforeEach
  void crds() throws Exception {
    OperatorTestSupport.installCrds(client);
    OperatorTestSupport.tokenSecret(client);
  }

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  @Test
  void allowQueuesUpToMaxQueuedRunsReportsTheTickBeyondAndTheQueueDrainsOldestFirst() {
    OverwatchDeployment d = Fixtures.deployment("allow");
    d.getSpec().schedule = new ScheduleSpec();
    d.getSpec().schedule.maxQueuedRuns = 2;
    Instant t1 = firstScheduledRun(client, clock, d, "0 * * * *", ConcurrencyPolicy.Allow);
    String run1 = Names.scheduledRun("allow", t1.getEpochSecond() / 60);
    OperatorTestSupport.runPod(client, run1 + "-bronze-1");

    // two more due times while run1 runs: both queue (0, then 1 run waiting < maxQueuedRuns 2)
    Instant t2 = t1.plus(HOUR);
    Instant t3 = t2.plus(HOUR);
    String run2 = Names.scheduledRun("allow", t2.getEpochSecond() / 60);
    String run3 = Names.scheduledRun("allow", t3.getEpochSecond() / 60);
    tick(client, clock, "allow", HOUR, t2);
    awaitQueuedBehind(run2, run1);
    tick(client, clock, "allow", HOUR, t3);
    awaitQueuedBehind(run3, run1);
    assertEquals(List.of(run1, run2, run3), names(scheduledRuns(client, "allow")));

    // the fourth finds 2 runs waiting: skipped, counted, explained in status, condition and event
    Instant t4 = t3.plus(HOUR);
    OverwatchDeployment after = tick(client, clock, "allow", HOUR, t4);
    assertEquals(List.of(run1, run2, run3), names(scheduledRuns(client, "allow")), "no run beyond maxQueuedRuns");
    assertEquals(1L, after.getStatus().missedSchedules);
    assertEquals(Times.format(t4), after.getStatus().lastMissedSchedule);
    assertTrue(after.getStatus().lastMissedReason.contains("2 run(s) already waiting, maxQueuedRuns 2 (concurrencyPolicy Allow)"),
        after.getStatus().lastMissedReason);
    assertTrue(Conditions.get(after.getStatus().conditions, "Scheduled").orElseThrow().getMessage()
        .contains("last missed: " + after.getStatus().lastMissedReason));
    assertTrue(events(client, "allow", "MissedSchedule").stream().anyMatch(e -> e.getMessage().contains(Times.format(t4))
        && e.getMessage().contains("maxQueuedRuns 2")));

    // run1 ends: the oldest queued run takes the slot, the other keeps waiting behind it
    succeed(run1);
    OperatorTestSupport.awaitPod(client, run2 + "-bronze-1");
    awaitPhase(client, run2, "Running");
    awaitQueuedBehind(run3, run2);
    assertTrue(OperatorTestSupport.driverPods(client, run3).isEmpty(), "a queued run has no driver pod");

    // one run waits now: the next due time queues again
    Instant t5 = t4.plus(HOUR);
    tick(client, clock, "allow", HOUR, t5);
    String run5 = Names.scheduledRun("allow", t5.getEpochSecond() / 60);
    awaitQueuedBehind(run5, run2);
    assertEquals(1L, OperatorTestSupport.deployment(client, "allow").getStatus().missedSchedules);
  }

  @Test
  void forbidSkipsADueTimeWhileARunIsUnfinishedAndReportsIt() {
    Instant first = firstScheduledRun(client, clock, Fixtures.deployment("forbid"), "0 * * * *");
    String firstRun = Names.scheduledRun("forbid", first.getEpochSecond() / 60);
    OperatorTestSupport.runPod(client, firstRun + "-bronze-1");

    // an hour later the first run is still running: the due time is skipped, counted and explained
    Instant second = first.plus(HOUR);
    OverwatchDeployment after = tick(client, clock, "forbid", HOUR, second);
    assertEquals(List.of(firstRun), names(scheduledRuns(client, "forbid")), "no second run while " + firstRun + " is unfinished");
    assertEquals(1L, after.getStatus().missedSchedules);
    assertEquals(Times.format(second), after.getStatus().lastMissedSchedule);
    assertTrue(after.getStatus().lastMissedReason.contains("run " + firstRun + " still unfinished (concurrencyPolicy Forbid)"),
        after.getStatus().lastMissedReason);
    assertTrue(Conditions.get(after.getStatus().conditions, "Scheduled").orElseThrow().getMessage().contains("last missed"));
    assertTrue(events(client, "forbid", "MissedSchedule").stream().anyMatch(e -> e.getMessage().contains(Times.format(second))));

    // once it finished, the next due time creates a run again
    succeed(firstRun);
    Instant third = second.plus(HOUR);
    tick(client, clock, "forbid", HOUR, third);
    OperatorTestSupport.awaitPod(client, Names.scheduledRun("forbid", third.getEpochSecond() / 60) + "-bronze-1");
    assertEquals(1L, OperatorTestSupport.deployment(client, "forbid").getStatus().missedSchedules);
  }

  @Test
  void replaceCancelsTheUnfinishedRunAndTheTtlRemovesFinishedRuns() {
    OverwatchDeployment d = Fixtures.deployment("replace");
    d.getSpec().history.ttlSecondsAfterFinished = 2L;
    Instant first = firstScheduledRun(client, clock, d, "30 * * * *", ConcurrencyPolicy.Replace);
    String firstRun = Names.scheduledRun("replace", first.getEpochSecond() / 60);
    OperatorTestSupport.runPod(client, firstRun + "-bronze-1");
    Instant second = first.plus(HOUR);
    OverwatchDeployment after = tick(client, clock, "replace", HOUR, second);
    String secondRun = Names.scheduledRun("replace", second.getEpochSecond() / 60);
    OverwatchRun cancelled = awaitPhase(client, firstRun, "Cancelled");
    assertTrue(cancelled.getSpec().cancel);
    assertTrue(events(client, "replace", "RunReplaced").stream().anyMatch(e -> e.getMessage().contains(firstRun)));
    assertEquals(null, after.getStatus().missedSchedules, "Replace skips nothing");
    OperatorTestSupport.awaitPod(client, secondRun + "-bronze-1"); // the replacement takes the freed slot
    // two seconds after it finished, the cancelled run is gone (TTL), the running one stays
    await().atMost(TIMEOUT).until(() -> OperatorTestSupport.run(client, firstRun) == null);
    assertEquals("Running", OperatorTestSupport.run(client, secondRun).getStatus().phase);
  }

  /** Plays the kubelet: every layer's driver pod (a scheduled run has them all) ends successfully, in order. */
  private void succeed(String run) {
    List<String> layers = awaitRun(client, run, r -> r.getStatus() != null && !r.getStatus().layers.isEmpty())
        .getStatus().layers.stream().map(l -> l.name).toList();
    for (String layer : layers) {
      OperatorTestSupport.finishPod(client, run + "-" + layer + "-1", 0, OperatorTestSupport.summary(layer, "SUCCEEDED", "SUCCESS", 1));
    }
    awaitPhase(client, run, "Succeeded");
  }

  /** Pending with reason Queued behind {@code ahead}, and no driver pod. */
  private void awaitQueuedBehind(String run, String ahead) {
    OverwatchRun r = awaitRun(client, run, x -> x.getStatus() != null && x.getStatus().message != null
        && x.getStatus().message.contains("waiting for run " + ahead));
    assertEquals("Pending", r.getStatus().phase);
    assertEquals("Queued", Conditions.get(r.getStatus().conditions, "Succeeded").orElseThrow().getReason());
  }

  private static List<String> names(List<OverwatchRun> runs) {
    return runs.stream().map(r -> r.getMetadata().getName()).sorted().toList();
  }
}
