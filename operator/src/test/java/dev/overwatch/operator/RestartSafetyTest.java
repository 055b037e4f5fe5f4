package dev.overwatch.operator;

import static dev.overwatch.operator.OperatorTestSupport.awaitPhase;
import static dev.overwatch.operator.OperatorTestSupport.awaitPod;
import static dev.overwatch.operator.OperatorTestSupport.awaitRun;
import static dev.overwatch.operator.OperatorTestSupport.driverPods;
import static dev.overwatch.operator.OperatorTestSupport.finishPod;
import static dev.overwatch.operator.OperatorTestSupport.summary;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.overwatch.api.v1alpha1.OverwatchRun;
import dev.overwatch.api.v1alpha1.OverwatchRunStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Operators are killed and restarted mid-run; the world (pods finishing, lost status writes) moves
 * on while none runs. There must be exactly one driver pod per layer attempt, all adopted.
 */
@QuarkusTest
@WithKubernetesTestServer
@TestProfile(ManualOperatorProfile.class)
class RestartSafetyTest extends OperatorTestSupport.WithCrds {
  @Inject
  OperatorSettings settings;

  @Inject
  OperatorMetrics metrics;

  @Inject
  Clock clock;

  @Inject
  LaunchTimings timings;

  Operator operator;

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.stop();
    }
  }

  /** A fresh operator process: new reconcilers, new informers, empty caches. */
  void startOperator() {
    // same settings as application.properties: no server-side apply on the mock server
    operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false)
        .withUseSSAToPatchPrimaryResource(false).withSSABasedCreateUpdateMatchForDependentResources(false));
    operator.register(new DeploymentReconciler(settings, clock));
    operator.register(new RunReconciler(settings, metrics, timings, clock));
    operator.start();
  }

  void killOperator() {
    operator.stop();
    operator = null;
  }

  @Test
  void restartsMidRunNeverDuplicateADriver() {
    startOperator();
    OperatorTestSupport.readyDeployment(client, Fixtures.deployment("restart"));
    client.resource(RunLifecycleTest.fresh(Fixtures.run("restart-1", "restart", "bronze", "silver", "gold"))).create();
    awaitPod(client, "restart-1-bronze-1");
    // the pod is created before the status write that records the start (decision 600)
    String runId = awaitRun(client, "restart-1", r -> r.getStatus() != null && r.getStatus().runId != null).getStatus().runId;

    // 1. killed while bronze runs; bronze finishes while no operator is up
    killOperator();
    finishPod(client, "restart-1-bronze-1", 0, summary("bronze", "SUCCEEDED", "SUCCESS", 3));
    startOperator();
    awaitPod(client, "restart-1-silver-1");

    // 2. killed right after creating silver's pod, with the status write lost
    awaitRun(client, "restart-1", r -> r.getStatus().layers.get(1).attempts == 1);
    killOperator();
    OverwatchRun lost = OperatorTestSupport.run(client, "restart-1");
    lost.getStatus().layers.get(1).phase = "Pending";
    lost.getStatus().layers.get(1).attempts = 0;
    lost.getStatus().layers.get(1).pod = null;
    client.resource(lost).updateStatus();
    startOperator();
    OverwatchRun adopted = awaitRun(client, "restart-1", r -> r.getStatus().layers.get(1).attempts == 1
        && r.getStatus().layers.get(1).message != null && r.getStatus().layers.get(1).message.contains("adopted"));
    assertEquals("restart-1-silver-1", adopted.getStatus().layers.get(1).pod);

    // 3. silver fails while the operator is down; the retry is attempt 2, once
    killOperator();
    finishPod(client, "restart-1-silver-1", 1, summary("silver", "FAILED", "FAILED", 0));
    startOperator();
    awaitPod(client, "restart-1-silver-2");
    killOperator();
    startOperator();
    finishPod(client, "restart-1-silver-2", 0, summary("silver", "SUCCEEDED", "SUCCESS", 4));
    finishPod(client, "restart-1-gold-1", 0, summary("gold", "SUCCEEDED", "SUCCESS", 5));
    OverwatchRun done = awaitPhase(client, "restart-1", "Succeeded");

    assertEquals(runId, done.getStatus().runId, "the run id survives restarts");
    List<Pod> pods = driverPods(client, "restart-1");
    Set<String> names = pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
    assertEquals(Set.of("restart-1-bronze-1", "restart-1-silver-1", "restart-1-silver-2", "restart-1-gold-1"), names);
    assertEquals(4, pods.size());
    assertEquals(List.of(1, 2, 1), done.getStatus().layers.stream().map(l -> l.attempts).toList());
  }

  @Test
  void aLostStartWriteAdoptsRunIdAndSnapshotTimeFromTheRunConfigMap() {
    startOperator();
    OperatorTestSupport.readyDeployment(client, Fixtures.deployment("lost"));
    client.resource(RunLifecycleTest.fresh(Fixtures.run("lost-1", "lost", "bronze"))).create();
    awaitPod(client, "lost-1-bronze-1");
    OverwatchRun started = awaitRun(client, "lost-1", r -> r.getStatus() != null && r.getStatus().runId != null);
    // killed after the ConfigMap and the pod were created, before the one status write of the launch
    killOperator();
    OverwatchRun lost = OperatorTestSupport.run(client, "lost-1");
    lost.setStatus(new OverwatchRunStatus());
    client.resource(lost).updateStatus();
    startOperator();
    OverwatchRun adopted = awaitRun(client, "lost-1", r -> r.getStatus() != null && r.getStatus().layers != null
        && !r.getStatus().layers.isEmpty() && r.getStatus().layers.get(0).message != null
        && r.getStatus().layers.get(0).message.contains("adopted"));
    assertEquals(started.getStatus().runId, adopted.getStatus().runId, "the pods' runId (frozen in the run ConfigMap) wins");
    assertEquals(started.getStatus().snapshotTime, adopted.getStatus().snapshotTime);
    assertEquals(List.of("lost-1-bronze-1"), driverPods(client, "lost-1").stream().map(p -> p.getMetadata().getName()).toList());
  }

  @Test
  void aPodOfAnotherOwnerAtTheDeterministicNameIsNeverAdopted() {
    startOperator();
    OperatorTestSupport.readyDeployment(client, Fixtures.deployment("foreign"));
    killOperator();
    OverwatchRun run = RunLifecycleTest.fresh(Fixtures.run("foreign-1", "foreign", "bronze"));
    OverwatchRun created = client.resource(run).create();
    // a leftover pod with the name the run will use, owned by an older run of the same name
    OverwatchRun impostor = Fixtures.run("foreign-1", "foreign", "bronze");
    impostor.getMetadata().setUid("old-uid");
    impostor.setStatus(Fixtures.startedRun("x", "y").getStatus());
    Pod leftover = Resources.driverPod(new Resources.Launch(Fixtures.deployment("foreign"), impostor, "bronze", 1, "img"));
    client.pods().inNamespace(Fixtures.NS).resource(leftover).create();
    startOperator();
    OverwatchRun waiting = awaitRun(client, "foreign-1", r -> r.getStatus() != null && r.getStatus().layers != null
        && !r.getStatus().layers.isEmpty() && r.getStatus().layers.get(0).message != null
        && r.getStatus().layers.get(0).message.contains("belongs to another owner"));
    assertEquals(0, waiting.getStatus().layers.get(0).attempts);
    // once the leftover is gone, the run's own pod is created
    client.pods().inNamespace(Fixtures.NS).withName("foreign-1-bronze-1").delete();
    Pod mine = awaitRun(client, "foreign-1", r -> r.getStatus().layers.get(0).attempts == 1) == null ? null
        : client.pods().inNamespace(Fixtures.NS).withName("foreign-1-bronze-1").get();
    assertEquals(created.getMetadata().getUid(), mine.getMetadata().getOwnerReferences().get(0).getUid());
  }
}
