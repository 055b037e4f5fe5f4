package dev.overwatch.operator;

import static dev.overwatch.operator.OperatorTestSupport.awaitPhase;
import static dev.overwatch.operator.OperatorTestSupport.awaitPod;
import static dev.overwatch.operator.OperatorTestSupport.awaitRun;
import static dev.overwatch.operator.OperatorTestSupport.driverPods;
import static dev.overwatch.operator.OperatorTestSupport.finishPod;
import static dev.overwatch.operator.OperatorTestSupport.readyDeployment;
import static dev.overwatch.operator.OperatorTestSupport.summary;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchRun;
import dev.overwatch.api.v1alpha1.RetrySpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every phase transition of a run, against the mock API server with the real CRDs. */
@QuarkusTest
@WithKubernetesTestServer
class RunLifecycleTest extends OperatorTestSupport.WithCrds {
  @Test
  void layersRunInOrderAndTheSummaryLandsInStatus() {
    readyDeployment(client, Fixtures.deployment("happy"));
    OverwatchRun run = Fixtures.run("happy-1", "happy", "silver", "bronze");
    run.getMetadata().setUid(null);
    run.getMetadata().setCreationTimestamp(null);
    client.resource(run).create();

    OverwatchRun started = awaitRun(client, "happy-1", r -> r.getStatus() != null && r.getStatus().layers != null
        && !r.getStatus().layers.isEmpty() && r.getStatus().layers.get(0).pod != null);
    assertTrue(started.getStatus().runId.matches("[0-9a-f]{32}"), started.getStatus().runId);
    assertEquals("Running", started.getStatus().phase);
    assertEquals("bronze", started.getStatus().currentLayer);
    assertNotNull(started.getStatus().snapshotTime);
    // the ConfigMap carries the run with its runId and snapshot time
    ConfigMap cm = client.configMaps().inNamespace(Fixtures.NS).withName("happy-1-overwatch").get();
    OverwatchRun inPod = Serialization.unmarshal(cm.getData().get("run.yaml"), OverwatchRun.class);
    assertEquals(started.getStatus().runId, inPod.getStatus().runId);
    assertEquals(started.getStatus().snapshotTime, inPod.getStatus().snapshotTime);

    var bronze = awaitPod(client, "happy-1-bronze-1");
    assertEquals(started.getMetadata().getUid(), bronze.getMetadata().getOwnerReferences().get(0).getUid());
    assertTrue(bronze.getSpec().getContainers().get(0).getCommand().containsAll(List.of("--layer", "bronze")));
    finishPod(client, "happy-1-bronze-1", 0, summary("bronze", "SUCCEEDED", "SUCCESS", 120));
    finishPod(client, "happy-1-silver-1", 0, summary("silver", "SUCCEEDED", "EMPTY", 0));

    OverwatchRun done = awaitPhase(client, "happy-1", "Succeeded");
    assertEquals(2, done.getStatus().modules.size());
    assertEquals(120L, done.getStatus().modules.get(0).rows);
    assertEquals("True", Conditions.get(done.getStatus().conditions, "Succeeded").orElseThrow().getStatus());
    assertEquals("False", Conditions.get(done.getStatus().conditions, "Failed").orElseThrow().getStatus());
    assertEquals(List.of("Succeeded", "Succeeded"), done.getStatus().layers.stream().map(l -> l.phase).toList());
    assertNotNull(done.getStatus().completionTime);
    assertEquals(done.getMetadata().getGeneration(), done.getStatus().observedGeneration);
    assertEquals(2, driverPods(client, "happy-1").size());
    // deployment status follows: last run, last successful window per layer, no active run
    OverwatchDeployment d = await().atMost(OperatorTestSupport.TIMEOUT).until(() -> OperatorTestSupport.deployment(client, "happy"),
        x -> x.getStatus().lastSuccessfulWindow.containsKey("silver"));
    assertEquals("happy-1", d.getStatus().lastRun);
    assertNull(d.getStatus().activeRun);
    List<Event> events = client.v1().events().inNamespace(Fixtures.NS).list().getItems().stream()
        .filter(e -> "happy-1".equals(e.getInvolvedObject().getName())).toList();
    // the launch's three transitions are one event (one API write); the others have one each
    assertEquals(List.of("LayerStarted", "LayerSucceeded", "LayerStarted", "LayerSucceeded", "Succeeded"),
        events.stream().sorted(java.util.Comparator.comparing((Event e) -> Long.parseLong(e.getMetadata().getResourceVersion())))
            .map(Event::getReason).toList());
    Event launch = events(client, "happy-1", "Created").get(0);
    assertEquals("LayerStarted", launch.getReason());
    assertEquals("Created,Started,LayerStarted", launch.getMetadata().getAnnotations().get(EventRecorder.REASONS));
    assertTrue(launch.getMessage().matches("run [0-9a-f]{32} created; started with snapshot time .*; layer bronze attempt 1: driver pod happy-1-bronze-1"),
        launch.getMessage());
    // the workload identity exists for the driver pods
    assertNotNull(client.serviceAccounts().inNamespace(Fixtures.NS).withName("happy-spark").get());
    assertNotNull(client.rbac().roles().inNamespace(Fixtures.NS).withName("happy-spark").get());
    assertNotNull(client.rbac().roleBindings().inNamespace(Fixtures.NS).withName("happy-spark").get());
  }

  @Test
  void aFailedLayerIsRetriedWithBackoffThenResumesFromThatLayer() {
    readyDeployment(client, Fixtures.deployment("retry"));
    client.resource(fresh(Fixtures.run("retry-1", "retry", "bronze", "silver"))).create();
    finishPod(client, "retry-1-bronze-1", 0, summary("bronze", "SUCCEEDED", "SUCCESS", 5));
    finishPod(client, "retry-1-silver-1", 1, summary("silver", "FAILED", "FAILED", 0));
    // the Retrying state lasts the 1 s backoff: its event is the durable trace (polling could miss the state itself)
    awaitPod(client, "retry-1-silver-2");
    Event retried = await().atMost(OperatorTestSupport.TIMEOUT).until(() -> events(client, "retry-1", "LayerRetrying").stream().findFirst(),
        java.util.Optional::isPresent).orElseThrow();
    assertTrue(retried.getMessage().contains("attempt 1 failed: modules failed: Bronze_AuditLogs_silver; retrying in 1s"), retried.getMessage());
    // then attempt 2 of silver only: bronze is not rerun
    finishPod(client, "retry-1-silver-2", 0, summary("silver", "SUCCEEDED", "SUCCESS", 7));
    OverwatchRun done = awaitPhase(client, "retry-1", "Succeeded");
    assertEquals(2, done.getStatus().layers.get(1).attempts);
    assertEquals(1, done.getStatus().layers.get(0).attempts);
    assertEquals(3, driverPods(client, "retry-1").size());
    assertEquals("SUCCESS", done.getStatus().modules.stream().filter(m -> m.name.endsWith("silver")).findFirst().orElseThrow().status);
  }

  @Test
  void attemptsAreBoundedAndTheRunFails() {
    readyDeployment(client, Fixtures.deployment("fail"));
    client.resource(fresh(Fixtures.run("fail-1", "fail", "bronze", "silver"))).create();
    finishPod(client, "fail-1-bronze-1", 137, "");
    finishPod(client, "fail-1-bronze-2", 1, "garbage, not json");
    OverwatchRun failed = awaitPhase(client, "fail-1", "Failed");
    assertEquals("True", Conditions.get(failed.getStatus().conditions, "Failed").orElseThrow().getStatus());
    assertEquals("False", Conditions.get(failed.getStatus().conditions, "Succeeded").orElseThrow().getStatus());
    assertTrue(failed.getStatus().message.contains("layer bronze failed after 2 attempt(s): exit code 1"), failed.getStatus().message);
    assertEquals(1, failed.getStatus().layers.stream().filter(l -> "Failed".equals(l.phase)).count());
    assertEquals("Pending", failed.getStatus().layers.get(1).phase);
    assertEquals(2, driverPods(client, "fail-1").size());
  }

  @Test
  void aLayerTimeoutDeletesThePodAndCountsAsAFailedAttempt() {
    readyDeployment(client, Fixtures.deployment("slow"));
    OverwatchRun run = fresh(Fixtures.run("slow-1", "slow", "bronze"));
    run.getSpec().retry = new RetrySpec();
    run.getSpec().retry.maxAttempts = 1;
    run.getSpec().retry.layerTimeoutSeconds = 2;
    client.resource(run).create();
    OperatorTestSupport.runPod(client, "slow-1-bronze-1");
    OverwatchRun failed = awaitPhase(client, "slow-1", "Failed");
    assertTrue(failed.getStatus().message.contains("timed out after 2s"), failed.getStatus().message);
    await().atMost(OperatorTestSupport.TIMEOUT).until(() -> client.pods().inNamespace(Fixtures.NS).withName("slow-1-bronze-1").get() == null);
  }

  @Test
  void cancelDeletesTheDriverAndEndsCancelled() {
    readyDeployment(client, Fixtures.deployment("cancel"));
    client.resource(fresh(Fixtures.run("cancel-1", "cancel", "bronze"))).create();
    OperatorTestSupport.runPod(client, "cancel-1-bronze-1");
    client.resources(OverwatchRun.class).inNamespace(Fixtures.NS).withName("cancel-1").edit(r -> {
      r.getSpec().cancel = true;
      return r;
    });
    OverwatchRun cancelled = awaitPhase(client, "cancel-1", "Cancelled");
    assertEquals("True", Conditions.get(cancelled.getStatus().conditions, "Cancelled").orElseThrow().getStatus());
    assertEquals("Cancelled", cancelled.getStatus().layers.get(0).phase);
    await().atMost(OperatorTestSupport.TIMEOUT).until(() -> driverPods(client, "cancel-1").isEmpty());
  }

  @Test
  void aDriverPodThatDisappearsIsAFailedAttemptAfterTheGracePeriod() {
    readyDeployment(client, Fixtures.deployment("vanish"));
    client.resource(fresh(Fixtures.run("vanish-1", "vanish", "bronze"))).create();
    awaitPod(client, "vanish-1-bronze-1");
    client.pods().inNamespace(Fixtures.NS).withName("vanish-1-bronze-1").delete();
    // the second attempt exists only because the first was declared lost, and the event says why
    awaitPod(client, "vanish-1-bronze-2");
    Event retried = await().atMost(OperatorTestSupport.TIMEOUT).until(() -> events(client, "vanish-1", "LayerRetrying").stream().findFirst(),
        java.util.Optional::isPresent).orElseThrow();
    assertTrue(retried.getMessage().contains("attempt 1 failed: driver pod vanish-1-bronze-1 disappeared"), retried.getMessage());
    finishPod(client, "vanish-1-bronze-2", 0, summary("bronze", "SUCCEEDED", "SUCCESS", 1));
    OverwatchRun done = awaitPhase(client, "vanish-1", "Succeeded");
    assertEquals(2, done.getStatus().layers.get(0).attempts);
  }

  @Test
  void aPodStuckInImagePullBackOffEndsTheLayerFailedWithThatReasonAtTheStartDeadline() {
    OverwatchDeployment d = Fixtures.deployment("stuck");
    d.getSpec().spark.executors = 1;
    readyDeployment(client, d);
    OverwatchRun run = fresh(Fixtures.run("stuck-1", "stuck", "bronze"));
    run.getSpec().retry = retry(3, 2);
    client.resource(run).create();
    OperatorTestSupport.waitingPod(client, "stuck-1-bronze-1", "ImagePullBackOff", "Back-off pulling image \"example/nope:1\"");
    OverwatchRun waiting = awaitRun(client, "stuck-1", r -> "ImagePullBackOff".equals(r.getStatus().layers.get(0).reason));
    assertTrue(waiting.getStatus().layers.get(0).message.contains("example/nope:1"), waiting.getStatus().layers.get(0).message);

    OverwatchRun failed = awaitPhase(client, "stuck-1", "Failed");
    var layer = failed.getStatus().layers.get(0);
    assertEquals("Failed", layer.phase);
    assertEquals("ImagePullBackOff", layer.reason);
    assertEquals("Configuration", layer.failureClass);
    assertEquals(1, layer.attempts, "a configuration error is not retried although 3 attempts are allowed");
    assertTrue(failed.getStatus().message.contains("not started within the start deadline (2s): ImagePullBackOff"), failed.getStatus().message);
    assertEquals("ImagePullBackOff", Conditions.get(failed.getStatus().conditions, "Failed").orElseThrow().getReason());
    long took = Duration.between(Times.parse(layer.startTime), Times.parse(layer.endTime)).toSeconds();
    assertTrue(took >= 2 && took <= 10, "ended " + took + " s after the start, deadline 2 s (slack for a loaded machine)");
    assertEquals(1, events(client, "stuck-1", "LayerWaiting").size());
    assertTrue(events(client, "stuck-1", "LayerWaiting").get(0).getMessage().contains("ImagePullBackOff"));
    await().atMost(OperatorTestSupport.TIMEOUT).until(() -> driverPods(client, "stuck-1").isEmpty());
    // with executors, the run has its own Spark authentication Secret, referenced and never copied
    Secret auth = client.secrets().inNamespace(Fixtures.NS).withName("stuck-1-spark-auth").get();
    assertEquals(failed.getMetadata().getUid(), auth.getMetadata().getOwnerReferences().get(0).getUid());
    String value = new String(Base64.getDecoder().decode(auth.getData().get("secret")));
    assertTrue(value.matches("[0-9a-f]{64}"), "a 256-bit random secret");
    ConfigMap cm = client.configMaps().inNamespace(Fixtures.NS).withName("stuck-1-overwatch").get();
    assertFalse(cm.getData().toString().contains(value));
    assertFalse(Serialization.asJson(failed).contains(value));
  }

  @Test
  void anUnschedulablePodIsAnInfrastructureFailureAndRetried() {
    readyDeployment(client, Fixtures.deployment("unsched"));
    OverwatchRun run = fresh(Fixtures.run("unsched-1", "unsched", "bronze"));
    run.getSpec().retry = retry(2, 2);
    client.resource(run).create();
    Pod p = awaitPod(client, "unsched-1-bronze-1");
    p.setStatus(new PodStatusBuilder().withPhase("Pending").addNewCondition().withType("PodScheduled").withStatus("False")
        .withReason("Unschedulable").withMessage("0/3 nodes are available: 3 Insufficient memory.").endCondition().build());
    client.pods().inNamespace(Fixtures.NS).resource(p).updateStatus();
    finishPod(client, "unsched-1-bronze-2", 0, summary("bronze", "SUCCEEDED", "SUCCESS", 3));
    OverwatchRun done = awaitPhase(client, "unsched-1", "Succeeded");
    assertEquals(2, done.getStatus().layers.get(0).attempts);
    assertTrue(events(client, "unsched-1", "LayerRetrying").get(0).getMessage().contains("Unschedulable: 0/3 nodes are available"),
        events(client, "unsched-1", "LayerRetrying").toString());
  }

  @Test
  void aFailedRunIsResumedFromItsFailedLayer() {
    readyDeployment(client, Fixtures.deployment("resume"));
    OverwatchRun first = fresh(Fixtures.run("resume-1", "resume", "bronze", "silver"));
    first.getSpec().retry = retry(1, 300);
    client.resource(first).create();
    finishPod(client, "resume-1-bronze-1", 0, summary("bronze", "SUCCEEDED", "SUCCESS", 5));
    finishPod(client, "resume-1-silver-1", 1, summary("silver", "FAILED", "FAILED", 0));
    OverwatchRun failed = awaitPhase(client, "resume-1", "Failed");

    OverwatchRun second = fresh(Fixtures.run("resume-2", "resume", "bronze", "silver"));
    second.getSpec().resumeFrom = "resume-1";
    client.resource(second).create();
    awaitPod(client, "resume-2-silver-1");
    OverwatchRun resumed = awaitRun(client, "resume-2", r -> "Running".equals(r.getStatus().phase));
    assertEquals(failed.getStatus().runId, resumed.getStatus().runId, "the resumed layers continue the failed run");
    assertEquals(failed.getStatus().snapshotTime, resumed.getStatus().snapshotTime);
    assertEquals("Succeeded", resumed.getStatus().layers.get(0).phase);
    assertEquals(0, resumed.getStatus().layers.get(0).attempts);
    assertTrue(resumed.getStatus().layers.get(0).message.contains("succeeded in run resume-1"));
    finishPod(client, "resume-2-silver-1", 0, summary("silver", "SUCCEEDED", "SUCCESS", 7));
    OverwatchRun done = awaitPhase(client, "resume-2", "Succeeded");
    assertEquals(List.of("resume-2-silver-1"), driverPods(client, "resume-2").stream().map(x -> x.getMetadata().getName()).toList());
    assertEquals(Set.of("Bronze_AuditLogs_bronze", "Bronze_AuditLogs_silver"), done.getStatus().modules.stream().map(m -> m.name).collect(Collectors.toSet()));

    // only a finished, unsuccessful run of the same deployment can be resumed
    OverwatchRun third = fresh(Fixtures.run("resume-3", "resume", "bronze"));
    third.getSpec().resumeFrom = "resume-2";
    client.resource(third).create();
    OverwatchRun refused = awaitPhase(client, "resume-3", "Failed");
    assertEquals("InvalidResume", Conditions.get(refused.getStatus().conditions, "Failed").orElseThrow().getReason());
    assertTrue(refused.getStatus().message.contains("run resume-2 is Succeeded"), refused.getStatus().message);
  }

  @Test
  void atMostOneActiveRunPerDeploymentOthersQueueWithAReason() {
    readyDeployment(client, Fixtures.deployment("serial"));
    client.resource(fresh(Fixtures.run("serial-a", "serial", "bronze"))).create();
    awaitPod(client, "serial-a-bronze-1");
    client.resource(fresh(Fixtures.run("serial-b", "serial", "bronze"))).create();
    OverwatchRun queued = awaitRun(client, "serial-b", r -> r.getStatus() != null && r.getStatus().message != null
        && r.getStatus().message.contains("waiting for run serial-a"));
    assertEquals("Pending", queued.getStatus().phase);
    assertEquals("Queued", Conditions.get(queued.getStatus().conditions, "Succeeded").orElseThrow().getReason());
    assertTrue(driverPods(client, "serial-b").isEmpty());
    await().atMost(OperatorTestSupport.TIMEOUT).until(() -> "serial-a".equals(OperatorTestSupport.deployment(client, "serial").getStatus().activeRun));
    finishPod(client, "serial-a-bronze-1", 0, summary("bronze", "SUCCEEDED", "SUCCESS", 1));
    awaitPhase(client, "serial-a", "Succeeded");
    finishPod(client, "serial-b-bronze-1", 0, summary("bronze", "SUCCEEDED", "SUCCESS", 1));
    awaitPhase(client, "serial-b", "Succeeded");
  }

  @Test
  void historyLimitsDeleteTheOldestFinishedRuns() {
    OverwatchDeployment d = Fixtures.deployment("hist");
    d.getSpec().history.successfulRunsLimit = 1;
    d.getSpec().history.failedRunsLimit = 0;
    readyDeployment(client, d);
    client.resource(fresh(Fixtures.run("hist-1", "hist", "bronze"))).create();
    finishPod(client, "hist-1-bronze-1", 0, summary("bronze", "SUCCEEDED", "SUCCESS", 1));
    awaitPhase(client, "hist-1", "Succeeded");
    client.resource(fresh(Fixtures.run("hist-2", "hist", "bronze"))).create();
    finishPod(client, "hist-2-bronze-1", 0, summary("bronze", "SUCCEEDED", "SUCCESS", 1));
    await().atMost(OperatorTestSupport.TIMEOUT).until(() -> OperatorTestSupport.run(client, "hist-1") == null);
    assertNotNull(OperatorTestSupport.run(client, "hist-2"));
    OverwatchRun bad = fresh(Fixtures.run("hist-3", "hist", "platinum"));
    client.resource(bad).create();
    await().atMost(OperatorTestSupport.TIMEOUT).until(() -> OperatorTestSupport.run(client, "hist-3") == null);
  }

  @Test
  void aRunWaitsForItsDeploymentAndStartsWhenItAppears() {
    client.resource(fresh(Fixtures.run("later-1", "later", "bronze"))).create();
    OverwatchRun waiting = awaitRun(client, "later-1", r -> r.getStatus() != null && r.getStatus().message != null
        && r.getStatus().message.contains("not found"));
    assertEquals("DeploymentNotFound", Conditions.get(waiting.getStatus().conditions, "Succeeded").orElseThrow().getReason());
    readyDeployment(client, Fixtures.deployment("later"));
    awaitPod(client, "later-1-bronze-1");
  }

  static RetrySpec retry(int maxAttempts, int startDeadlineSeconds) {
    RetrySpec r = new RetrySpec();
    r.maxAttempts = maxAttempts;
    r.backoffSeconds = 1;
    r.startDeadlineSeconds = startDeadlineSeconds;
    return r;
  }

  static List<Event> events(KubernetesClient client, String run, String reason) {
    return client.v1().events().inNamespace(Fixtures.NS).list().getItems().stream()
        .filter(e -> run.equals(e.getInvolvedObject().getName()) && reasons(e).contains(reason)).toList();
  }

  /** Every transition an event stands for: its reason, or the reasons it folds together. */
  static List<String> reasons(Event e) {
    String folded = e.getMetadata().getAnnotations() == null ? null : e.getMetadata().getAnnotations().get(EventRecorder.REASONS);
    return folded == null ? List.of(e.getReason()) : List.of(folded.split(","));
  }

  static OverwatchRun fresh(OverwatchRun r) {
    r.getMetadata().setUid(null);
    r.getMetadata().setCreationTimestamp(null);
    return r;
  }
}
