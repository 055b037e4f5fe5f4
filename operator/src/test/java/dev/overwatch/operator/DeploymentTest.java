package dev.overwatch.operator;

import static dev.overwatch.operator.OperatorTestSupport.TIMEOUT;
import static dev.overwatch.operator.OperatorTestSupport.awaitPhase;
import static dev.overwatch.operator.OperatorTestSupport.deployment;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchRun;
import dev.overwatch.api.v1alpha1.ScheduleSpec;
import dev.overwatch.api.v1alpha1.SecretKeyRef;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Deployment validation, Secrets, schedule, suspend, invalid runs, metrics and health. */
@QuarkusTest
@WithKubernetesTestServer
class DeploymentTest extends OperatorTestSupport.WithCrds {
  @Inject
  TestClock clock;

  @TestHTTPResource("/q/metrics")
  URI metrics;

  @TestHTTPResource("/q/health/ready")
  URI ready;

  @TestHTTPResource("/q/health/live")
  URI live;

  @BeforeEach
  void tokenSecret() {
    OperatorTestSupport.tokenSecret(client);
  }

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  @Test
  void everyInvalidDeploymentGetsAClearConditionAndNoHotLoop() throws Exception {
    for (InvalidResources.DeploymentCase c : InvalidResources.deployments()) {
      OverwatchDeployment d = Fixtures.deployment("bad-" + c.name());
      c.breakIt().accept(d);
      client.resource(d).create();
    }
    for (InvalidResources.DeploymentCase c : InvalidResources.deployments()) {
      OverwatchDeployment d = await().atMost(TIMEOUT).until(() -> deployment(client, "bad-" + c.name()),
          x -> x.getStatus() != null && Conditions.get(x.getStatus().conditions, "Ready").isPresent());
      Condition readyCondition = Conditions.get(d.getStatus().conditions, "Ready").orElseThrow();
      assertEquals("False", readyCondition.getStatus(), c.name());
      assertEquals(c.reason(), readyCondition.getReason(), c.name() + ": " + readyCondition.getMessage());
      assertTrue(readyCondition.getMessage().length() > 10, c.name());
      assertEquals(d.getMetadata().getGeneration(), d.getStatus().observedGeneration);
    }
    // no hot loop: an invalid deployment's status stays put
    String rv = deployment(client, "bad-bad-scheme").getMetadata().getResourceVersion();
    Thread.sleep(1500);
    assertEquals(rv, deployment(client, "bad-bad-scheme").getMetadata().getResourceVersion());
    // runs against an invalid deployment wait with the deployment's reason
    client.resource(RunLifecycleTest.fresh(Fixtures.run("on-bad", "bad-bad-scheme", "bronze"))).create();
    OverwatchRun waiting = OperatorTestSupport.awaitRun(client, "on-bad", r -> r.getStatus() != null && r.getStatus().message != null
        && r.getStatus().message.contains("is not ready"));
    assertEquals("DeploymentNotReady", Conditions.get(waiting.getStatus().conditions, "Succeeded").orElseThrow().getReason());
    assertTrue(waiting.getStatus().message.contains("InvalidStorage"), waiting.getStatus().message);
  }

  @Test
  void everyInvalidRunFailsOnceWithItsReason() {
    OverwatchDeployment d = Fixtures.deployment("runs-ok");
    d.getSpec().history.failedRunsLimit = 100;
    OperatorTestSupport.readyDeployment(client, d);
    for (InvalidResources.RunCase c : InvalidResources.runs()) {
      OverwatchRun r = RunLifecycleTest.fresh(Fixtures.run("badrun-" + c.name(), "runs-ok"));
      c.breakIt().accept(r);
      client.resource(r).create();
    }
    for (InvalidResources.RunCase c : InvalidResources.runs()) {
      OverwatchRun r = awaitPhase(client, "badrun-" + c.name(), "Failed");
      assertEquals(c.reason(), Conditions.get(r.getStatus().conditions, "Failed").orElseThrow().getReason(), c.name());
      assertTrue(OperatorTestSupport.driverPods(client, "badrun-" + c.name()).isEmpty());
    }
  }

  @Test
  void missingSecretsKeepTheDeploymentNotReadyUntilTheyAppear() {
    OverwatchDeployment d = Fixtures.deployment("secrets");
    d.getSpec().workspaces.get(0).tokenSecretRef = new SecretKeyRef("later-token", "pat");
    client.resource(d).create();
    OverwatchDeployment notReady = await().atMost(TIMEOUT).until(() -> deployment(client, "secrets"),
        x -> x.getStatus() != null && Conditions.get(x.getStatus().conditions, "Ready").isPresent());
    assertEquals("SecretNotFound", Conditions.get(notReady.getStatus().conditions, "Ready").orElseThrow().getReason());
    client.secrets().inNamespace(Fixtures.NS).resource(new SecretBuilder().withNewMetadata().withName("later-token").endMetadata()
        .addToStringData("other", "x").build()).create();
    await().atMost(TIMEOUT).until(() -> Conditions.get(deployment(client, "secrets").getStatus().conditions, "Ready")
        .map(Condition::getReason).orElse("").equals("SecretKeyNotFound"));
    client.secrets().inNamespace(Fixtures.NS).withName("later-token").edit(s -> {
      s.setData(Map.of("pat", "eA=="));
      s.setStringData(null);
      return s;
    });
    await().atMost(TIMEOUT).until(() -> RunReconciler.isReady(deployment(client, "secrets")));
  }

  @Test
  void theScheduleCreatesRunsAndSuspendStopsIt() {
    OverwatchDeployment d = Fixtures.deployment("cron");
    d.getSpec().schedule = new ScheduleSpec();
    d.getSpec().schedule.cron = "0 2 * * *";
    d.getSpec().schedule.timeZone = "Europe/Paris";
    OverwatchDeployment ready = OperatorTestSupport.readyDeployment(client, d);
    ready = await().atMost(TIMEOUT).until(() -> deployment(client, "cron"), x -> x.getStatus().nextRun != null);
    Instant next = Times.parse(ready.getStatus().nextRun);
    assertEquals(2, next.atZone(java.time.ZoneId.of("Europe/Paris")).getHour());
    assertEquals("True", Conditions.get(ready.getStatus().conditions, "Scheduled").orElseThrow().getStatus());

    // time passes the schedule: the next reconcile (here triggered by a spec change) creates exactly one run
    clock.advance(Duration.between(Instant.now(), next).plusSeconds(5));
    ScheduleTestSupport.bump(client, "cron");
    String runName = Names.scheduledRun("cron", next.getEpochSecond() / 60);
    OverwatchRun scheduled = await().atMost(TIMEOUT).until(() -> OperatorTestSupport.run(client, runName), r -> r != null);
    assertEquals("cron", scheduled.getSpec().deploymentRef.name);
    assertEquals(Times.format(next), scheduled.getMetadata().getAnnotations().get(Names.SCHEDULED_TIME));
    ScheduleTestSupport.bump(client, "cron");
    await().atMost(TIMEOUT).until(() -> Times.format(next).equals(deployment(client, "cron").getStatus().lastScheduleTime));
    assertEquals(1, ScheduleTestSupport.scheduledRuns(client, "cron").size());

    // suspended: the next due time passes without a run
    client.resources(OverwatchDeployment.class).inNamespace(Fixtures.NS).withName("cron").edit(x -> {
      x.getSpec().suspend = true;
      return x;
    });
    await().atMost(TIMEOUT).until(() -> Conditions.get(deployment(client, "cron").getStatus().conditions, "Scheduled")
        .map(Condition::getReason).orElse("").equals("Suspended"));
    clock.advance(Duration.ofDays(1));
    ScheduleTestSupport.bump(client, "cron");
    await().atMost(TIMEOUT).until(() -> Times.parse(deployment(client, "cron").getStatus().lastScheduleTime).isAfter(next));
    assertEquals(1, ScheduleTestSupport.scheduledRuns(client, "cron").size());
  }

  @Test
  void metricsAndHealthAreExposed() throws Exception {
    OperatorTestSupport.readyDeployment(client, Fixtures.deployment("metered"));
    client.resource(RunLifecycleTest.fresh(Fixtures.run("metered-1", "metered", "bronze"))).create();
    OperatorTestSupport.finishPod(client, "metered-1-bronze-1", 0, OperatorTestSupport.summary("bronze", "SUCCEEDED", "SUCCESS", 42));
    awaitPhase(client, "metered-1", "Succeeded");
    HttpClient http = HttpClient.newHttpClient();
    String body = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
    for (String meter : List.of("overwatch_runs_total", "overwatch_launch_latency_seconds", "overwatch_layer_duration_seconds",
        "overwatch_rows_written_total")) {
      assertTrue(body.contains(meter), meter + " missing from /q/metrics");
    }
    assertEquals(200, http.send(HttpRequest.newBuilder(live).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }
}
