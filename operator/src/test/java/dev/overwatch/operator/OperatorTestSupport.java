package dev.overwatch.operator;

import static org.awaitility.Awaitility.await;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchRun;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;

/** Helpers shared by the operator tests: the real CRDs, Secrets, and a tiny "kubelet". */
final class OperatorTestSupport {
  static final Path REPO = Path.of(System.getProperty("ow.repo.root", "..")).toAbsolutePath().normalize();
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  private OperatorTestSupport() {}

  /**
   * Base of the tests against the mock API server ({@code @QuarkusTest @WithKubernetesTestServer}): the
   * injected client, and the project's real CRDs installed before each test.
   */
  abstract static class WithCrds {
    @Inject
    KubernetesClient client;

    @BeforeEach
    void installCrds() throws Exception {
      OperatorTestSupport.installCrds(client);
    }
  }

  static void installCrds(KubernetesClient client) throws Exception {
    try (var files = Files.list(REPO.resolve("crds"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(f.toFile()).item();
        if (client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName()).get() == null) {
          client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        }
      }
    }
  }

  static void tokenSecret(KubernetesClient client) {
    if (client.secrets().inNamespace(Fixtures.NS).withName("demo-token").get() == null) {
      client.secrets().inNamespace(Fixtures.NS).resource(new SecretBuilder().withNewMetadata().withName("demo-token")
          .addToAnnotations(SecurityRules.ALLOWED_DEPLOYMENTS, "*").endMetadata()
          .addToData("token", Base64.getEncoder().encodeToString("dapi-test".getBytes())).build()).create();
    }
  }

  static OverwatchDeployment readyDeployment(KubernetesClient client, OverwatchDeployment d) {
    tokenSecret(client);
    client.resource(d).create();
    return await().atMost(TIMEOUT).until(() -> deployment(client, d.getMetadata().getName()), RunReconciler::isReady);
  }

  static OverwatchDeployment deployment(KubernetesClient client, String name) {
    return client.resources(OverwatchDeployment.class).inNamespace(Fixtures.NS).withName(name).get();
  }

  static OverwatchRun run(KubernetesClient client, String name) {
    return client.resources(OverwatchRun.class).inNamespace(Fixtures.NS).withName(name).get();
  }

  static OverwatchRun awaitRun(KubernetesClient client, String name, Predicate<OverwatchRun> p) {
    return await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> run(client, name), r -> r != null && p.test(r));
  }

  static OverwatchRun awaitPhase(KubernetesClient client, String name, String phase) {
    return awaitRun(client, name, r -> r.getStatus() != null && phase.equals(r.getStatus().phase));
  }

  static Pod awaitPod(KubernetesClient client, String name) {
    return await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
        .until(() -> client.pods().inNamespace(Fixtures.NS).withName(name).get(), p -> p != null);
  }

  static List<Pod> driverPods(KubernetesClient client, String run) {
    return client.pods().inNamespace(Fixtures.NS).withLabel(Names.RUN, Names.labelValue(run)).list().getItems();
  }

  /** What a kubelet does when the driver container ends: phase plus the termination message. */
  static void finishPod(KubernetesClient client, String name, int exitCode, String terminationMessage) {
    Pod p = awaitPod(client, name);
    p.setStatus(new PodStatusBuilder()
        .withPhase(exitCode == 0 ? "Succeeded" : "Failed")
        .addNewContainerStatus().withName("driver").withNewState().withNewTerminated()
          .withExitCode(exitCode).withReason(exitCode == 0 ? "Completed" : "Error").withMessage(terminationMessage)
        .endTerminated().endState().endContainerStatus()
        .build());
    client.pods().inNamespace(Fixtures.NS).resource(p).updateStatus();
  }

  /** What a kubelet reports for a container it cannot start (image pull, config errors). */
  static void waitingPod(KubernetesClient client, String name, String reason, String message) {
    Pod p = awaitPod(client, name);
    p.setStatus(new PodStatusBuilder().withPhase("Pending")
        .addNewContainerStatus().withName("driver").withNewState().withNewWaiting().withReason(reason).withMessage(message)
        .endWaiting().endState().endContainerStatus()
        .build());
    client.pods().inNamespace(Fixtures.NS).resource(p).updateStatus();
  }

  static void runPod(KubernetesClient client, String name) {
    Pod p = awaitPod(client, name);
    p.setStatus(new PodStatusBuilder().withPhase("Running").build());
    client.pods().inNamespace(Fixtures.NS).resource(p).updateStatus();
  }

  static String summary(String layer, String status, String moduleStatus, long rows) {
    return "{\"runId\":\"x\",\"layer\":\"" + layer + "\",\"status\":\"" + status + "\",\"modules\":[{\"id\":1004,"
        + "\"name\":\"Bronze_AuditLogs_" + layer + "\",\"workspace\":\"demo-ws\",\"status\":\"" + moduleStatus
        + "\",\"fromTS\":\"2026-11-01T00:00:00Z\",\"untilTS\":\"2026-11-05T00:00:00Z\",\"rows\":" + rows + ",\"quarantined\":0}],\"truncated\":false}";
  }
}
