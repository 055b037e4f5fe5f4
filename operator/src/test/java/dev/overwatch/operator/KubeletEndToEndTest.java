package dev.overwatch.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchRun;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The test plays the kubelet: for every driver pod the operator creates, it runs the pod's own
 * command line on this machine (spark-submit becomes spark-jobs/bin/overwatch, /etc/overwatch a
 * folder with the ConfigMap's files, /dev/termination-log a file), then writes the pod's terminal
 * phase and termination message back. The quickstart deployment must end in real Delta tables.
 * <p>The fallback for machines without podman (see {@link ContainerEndToEndTest}).
 * <p>Needs the spark-jobs build ({@code mvn -pl spark-jobs package}); skips itself otherwise.
 * {@code -Dow.e2e.root=DIR} points it at another checkout holding that build.
 */
@QuarkusTest
@WithKubernetesTestServer
class KubeletEndToEndTest extends OperatorTestSupport.WithCrds {
  static final Path ROOT = Path.of(System.getProperty("ow.e2e.root", OperatorTestSupport.REPO.toString())).toAbsolutePath();
  static final Duration LAYER_LIMIT = Duration.ofMinutes(15);
  /** Kubernetes keeps at most 4096 bytes of a termination message. */
  static final int TERMINATION_MESSAGE_LIMIT = 4096;

  @Test
  void quickstartRunBecomesDeltaTables() throws Exception {
    // The host-process fallback: with podman, ContainerEndToEndTest runs the pods as real containers.
    Assumptions.assumeFalse(PodmanKubelet.podmanAvailable(), "podman is installed: ContainerEndToEndTest runs the pods as containers");
    Path launcher = ROOT.resolve("spark-jobs/bin/overwatch");
    Path jar = ROOT.resolve("spark-jobs/target/overwatch-spark-jobs.jar");
    Path lib = ROOT.resolve("spark-jobs/target/lib");
    Path quickstart = ROOT.resolve("examples/quickstart/deployment.yaml");
    List<String> missing = Stream.of(launcher, jar, lib, quickstart).filter(p -> !Files.exists(p)).map(Path::toString).toList();
    String why = "missing: " + missing + " (build spark-jobs with mvn -pl spark-jobs package)";
    // In CI the reactor builds spark-jobs first, so a missing build is a failure there, not a skip.
    if ("true".equals(System.getenv("CI"))) {
      assertTrue(missing.isEmpty(), "end-to-end test cannot run, " + why);
    }
    Assumptions.assumeTrue(missing.isEmpty(), "end-to-end test skipped, " + why);

    Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "kubelet-");
    OverwatchDeployment d = Serialization.unmarshal(Files.readString(quickstart), OverwatchDeployment.class);
    d.getMetadata().setNamespace(Fixtures.NS);
    d.getMetadata().setName("quickstart-e2e");
    // Pods need absolute storage; the quickstart's relative one is for local runs from the repo root.
    Path storage = work.resolve("storage");
    d.getSpec().storage.prefix = storage.toString();
    for (var w : d.getSpec().workspaces) {
      if (w.tokenSecretRef != null && client.secrets().inNamespace(Fixtures.NS).withName(w.tokenSecretRef.name).get() == null) {
        client.secrets().inNamespace(Fixtures.NS).resource(new SecretBuilder().withNewMetadata().withName(w.tokenSecretRef.name).endMetadata()
            .addToData(w.tokenSecretRef.key, Base64.getEncoder().encodeToString("dapi-replay".getBytes())).build()).create();
      }
    }
    client.resource(d).create();
    OverwatchRun run = Fixtures.run("quickstart-e2e-1", "quickstart-e2e");
    run.getSpec().snapshotTime = "2026-11-07T00:00:00Z";
    client.resource(RunLifecycleTest.fresh(run)).create();

    Set<String> handled = new HashSet<>();
    long deadline = System.nanoTime() + LAYER_LIMIT.multipliedBy(4).toNanos();
    OverwatchRun current;
    while (true) {
      current = OperatorTestSupport.run(client, "quickstart-e2e-1");
      String phase = current.getStatus() == null ? null : current.getStatus().phase;
      if ("Succeeded".equals(phase) || "Failed".equals(phase) || "Cancelled".equals(phase) || System.nanoTime() > deadline) {
        break;
      }
      for (Pod pod : OperatorTestSupport.driverPods(client, "quickstart-e2e-1")) {
        if (handled.add(pod.getMetadata().getName())) {
          kubelet(pod, work);
        }
      }
      Thread.sleep(200);
    }
    assertEquals("Succeeded", current.getStatus().phase, "run ended " + current.getStatus().phase + ": " + current.getStatus().message
        + " layers=" + Serialization.asJson(current.getStatus().layers));
    assertEquals(Set.of("quickstart-e2e-1-bronze-1", "quickstart-e2e-1-silver-1", "quickstart-e2e-1-gold-1", "quickstart-e2e-1-presentation-1"), handled);
    assertFalse(current.getStatus().modules.isEmpty(), "module summary copied into status");
    assertTrue(current.getStatus().modules.stream().anyMatch(m -> m.rows != null && m.rows > 0), "some module wrote rows");
    Path etl = storage.resolve(d.getSpec().etlDatabase == null ? "overwatch_etl" : d.getSpec().etlDatabase);
    try (Stream<Path> tables = Files.list(etl)) {
      List<Path> delta = tables.filter(t -> Files.isDirectory(t.resolve("_delta_log"))).toList();
      assertTrue(delta.size() >= 3, "Delta tables under " + etl + ": " + delta);
    }
    OverwatchDeployment after = await().atMost(OperatorTestSupport.TIMEOUT).until(
        () -> OperatorTestSupport.deployment(client, "quickstart-e2e"), x -> x.getStatus().lastSuccessfulWindow.containsKey("presentation"));
    assertEquals("2026-11-07T00:00:00Z", after.getStatus().lastSuccessfulWindow.get("gold"));
  }

  /** Runs one driver pod the way a kubelet would, translated to this machine. */
  void kubelet(Pod pod, Path work) throws IOException, InterruptedException {
    String name = pod.getMetadata().getName();
    Path etc = Files.createDirectories(work.resolve(name).resolve("etc-overwatch"));
    String cmName = pod.getSpec().getVolumes().stream().filter(v -> v.getConfigMap() != null).findFirst().orElseThrow().getConfigMap().getName();
    ConfigMap cm = client.configMaps().inNamespace(Fixtures.NS).withName(cmName).get();
    for (Map.Entry<String, String> e : cm.getData().entrySet()) {
      Files.writeString(etc.resolve(e.getKey()), e.getValue());
    }
    Path termination = work.resolve(name).resolve("termination-log");
    List<String> podCommand = pod.getSpec().getContainers().get(0).getCommand();
    List<String> command = new ArrayList<>();
    command.add(ROOT.resolve("spark-jobs/bin/overwatch").toString());
    // everything after the application jar is the job's own arguments
    for (String arg : podCommand.subList(podCommand.indexOf(Resources.JOB_JAR) + 1, podCommand.size())) {
      command.add(arg.replace(Resources.CONFIG_DIR, etc.toString()).replace(Resources.TERMINATION_LOG, termination.toString()));
    }
    ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile())
        .redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile());
    pb.environment().put("OVERWATCH_TMPDIR", Files.createDirectories(work.resolve(name).resolve("tmp")).toString());
    for (EnvVar e : pod.getSpec().getContainers().get(0).getEnv()) {
      if (e.getValue() != null) {
        pb.environment().put(e.getName(), e.getValue().replace("/tmp", work.resolve(name).resolve("tmp").toString()));
      } else if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
        Secret s = client.secrets().inNamespace(Fixtures.NS).withName(e.getValueFrom().getSecretKeyRef().getName()).get();
        pb.environment().put(e.getName(), new String(Base64.getDecoder().decode(s.getData().get(e.getValueFrom().getSecretKeyRef().getKey())),
            StandardCharsets.UTF_8));
      }
    }
    markRunning(name);
    Process p = pb.start();
    boolean ended = p.waitFor(LAYER_LIMIT.toSeconds(), TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly().waitFor();
    }
    int exit = ended ? p.exitValue() : 137;
    String message = Files.exists(termination) ? Files.readString(termination) : "";
    if (message.length() > TERMINATION_MESSAGE_LIMIT) {
      message = message.substring(0, TERMINATION_MESSAGE_LIMIT);
    }
    Pod live = client.pods().inNamespace(Fixtures.NS).withName(name).get();
    live.setStatus(new PodStatusBuilder().withPhase(exit == 0 ? "Succeeded" : "Failed")
        .addNewContainerStatus().withName("driver").withNewState().withNewTerminated()
          .withExitCode(exit).withReason(exit == 0 ? "Completed" : "Error").withMessage(message)
        .endTerminated().endState().endContainerStatus().build());
    client.pods().inNamespace(Fixtures.NS).resource(live).updateStatus();
  }

  void markRunning(String name) {
    Pod live = client.pods().inNamespace(Fixtures.NS).withName(name).get();
    live.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP("127.0.0.1").build());
    client.pods().inNamespace(Fixtures.NS).resource(live).updateStatus();
  }
}
