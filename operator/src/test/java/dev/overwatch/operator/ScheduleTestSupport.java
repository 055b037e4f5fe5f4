package dev.overwatch.operator;

import static dev.overwatch.operator.OperatorTestSupport.TIMEOUT;
import static dev.overwatch.operator.OperatorTestSupport.deployment;
import static org.awaitility.Awaitility.await;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchRun;
import dev.overwatch.api.v1alpha1.ScheduleSpec;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Schedule tests move the operator's clock past due times and nudge the deployment to reconcile now. */
final class ScheduleTestSupport {
  private ScheduleTestSupport() {}

  /** Readies the deployment with the schedule, moves the clock just past its first due time and returns that time. */
  static Instant firstScheduledRun(KubernetesClient client, TestClock clock, OverwatchDeployment d, String cron,
      ScheduleSpec.ConcurrencyPolicy... policy) {
    if (d.getSpec().schedule == null) {
      d.getSpec().schedule = new ScheduleSpec();
    }
    d.getSpec().schedule.cron = cron;
    if (policy.length > 0) {
      d.getSpec().schedule.concurrencyPolicy = policy[0];
    }
    String name = d.getMetadata().getName();
    OperatorTestSupport.readyDeployment(client, d);
    Instant first = Times.parse(await().atMost(TIMEOUT).until(() -> deployment(client, name), x -> x.getStatus().nextRun != null).getStatus().nextRun);
    clock.advance(Duration.between(clock.instant(), first).plusSeconds(5));
    bump(client, name);
    return first;
  }

  /** Moves the clock on and makes the deployment reconcile; returns once the due time {@code due} was decided. */
  static OverwatchDeployment tick(KubernetesClient client, TestClock clock, String name, Duration by, Instant due) {
    clock.advance(by);
    bump(client, name);
    return await().atMost(TIMEOUT).until(() -> deployment(client, name), x -> Times.format(due).equals(x.getStatus().lastScheduleTime));
  }

  /** A spec change: the deployment reconciles now (the schedule's own wake-up is at the real next due time). */
  static void bump(KubernetesClient client, String name) {
    // the edit carries the resourceVersion it read: a status patch of the operator in between is a 409, so read again
    await().atMost(TIMEOUT).ignoreExceptionsInstanceOf(KubernetesClientException.class).until(() -> {
      client.resources(OverwatchDeployment.class).inNamespace(Fixtures.NS).withName(name).edit(x -> {
        x.getSpec().history.successfulRunsLimit = x.getSpec().history.successfulRunsLimit + 1;
        return x;
      });
      return true;
    });
  }

  static List<OverwatchRun> scheduledRuns(KubernetesClient client, String deployment) {
    return client.resources(OverwatchRun.class).inNamespace(Fixtures.NS).withLabel(Names.DEPLOYMENT, deployment).list().getItems();
  }

  static List<Event> events(KubernetesClient client, String about, String reason) {
    return client.v1().events().inNamespace(Fixtures.NS).list().getItems().stream()
        .filter(e -> about.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason())).toList();
  }
}
