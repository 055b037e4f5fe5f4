package dev.overwatch.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchRun;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The production example ({@code examples/kubernetes/deployment.yaml}) run for real: the operator
 * creates driver pods on the mock API server, {@link PodmanKubelet} runs them as containers of the
 * project's Spark image, the drivers start two executor pods each through Spark's Kubernetes backend,
 * the tables land in an S3 bucket served by S3Proxy, and the catalog is an embedded PostgreSQL.
 * <p>What this machine changes in the example, and only that: the S3 endpoint and the JDBC URL (the
 * test's servers), the image (built locally by {@code images/build}), pod sizes (2 cores here),
 * the Databricks API replaced by the quickstart's recordings on a volume (no workspace is reachable),
 * Spark event logs written uncompressed to the bucket so the test can read where tasks ran, and no
 * schedule. The quickstart's audit logs, cluster logs and Spark event logs are uploaded to the bucket.
 * <p>Skipped when podman or the image is missing; with {@code CI=true} it fails instead.
 */
@QuarkusTest
@WithKubernetesTestServer
class ContainerEndToEndTest {
  static final String NS = "analytics";
  /** What images/build tags by default: the chart's appVersion. */
  static final String IMAGE = System.getProperty("ow.spark.image", "localhost/overwatch-k8s/overwatch-spark:" + appVersion());
  static final Path QUICKSTART = OperatorTestSupport.REPO.resolve("examples/quickstart");
  static final Duration RUN_LIMIT = Duration.ofMinutes(60);
  static final String RUN = "prod-e2e-1";
  static final List<String> LAYERS = List.of("bronze", "silver");
  static final String KEY = "overwatch-e2e";
  static final String SECRET = "overwatch-e2e-secret";

  @Inject
  KubernetesClient client;

  @BeforeEach
  void crds() throws Exception {
    OperatorTestSupport.installCrds(client);
  }

  @Test
  void productionExampleRunsAsContainersWithExecutorsOnS3AndPostgres() throws Exception {
    String missing = !PodmanKubelet.podmanAvailable() ? "podman is not installed (apt-get install podman runc)"
        : !PodmanKubelet.imageExists(IMAGE) ? "image " + IMAGE + " is missing (images/build spark)" : null;
    if ("true".equals(System.getenv("CI"))) {
      assertNull(missing, "container end-to-end test cannot run");
    }
    Assumptions.assumeTrue(missing == null, "container end-to-end test skipped: " + missing);

    Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "containers-");
    // S3Proxy's filesystem backend keeps bucket B, key K at s3/B/K: the quickstart inputs are laid out there.
    Path buckets = Files.createDirectories(work.resolve("s3"));
    copy(QUICKSTART.resolve("workspaces/demo/audit-logs"), buckets.resolve("acme-audit-logs/workspaceId=6048213925118712"));
    copy(QUICKSTART.resolve("workspaces/demo/cluster-logs"), buckets.resolve("acme-cluster-logs/cluster-logs"));
    copy(QUICKSTART.resolve("spark-apps/eventlogs"), buckets.resolve("acme-cluster-logs/spark-apps/eventlogs"));
    Files.createDirectories(buckets.resolve("acme-overwatch"));
    // Spark wants its event log folder to exist; S3 has folders only where there are objects.
    Files.writeString(Files.createDirectories(buckets.resolve("acme-cluster-logs/overwatch-eventlogs")).resolve("README"), "Spark event logs of the drivers\n");
    int s3Port = freePort();
    Process s3 = startS3Proxy(work, buckets, s3Port);
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(work.resolve("pg")).setCleanDataDirectory(true).start();
         PodmanKubelet kubelet = new PodmanKubelet(client, NS, work.resolve("pods"), Map.of("quickstart-api", QUICKSTART.resolve("workspaces/demo/api")))) {
      try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
        st.execute("CREATE ROLE overwatch LOGIN PASSWORD 'metastore-pw'");
        st.execute("CREATE DATABASE metastore OWNER overwatch");
      }

      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).createOr(x -> x.update());
      secret("databricks-prod", Map.of("token", "dapi-replay"));
      secret("overwatch-s3", Map.of("access-key", KEY, "secret-key", SECRET));
      secret("overwatch-metastore", Map.of("password", "metastore-pw"));
      OverwatchDeployment d = client.resources(OverwatchDeployment.class)
          .load(OperatorTestSupport.REPO.resolve("examples/kubernetes/deployment.yaml").toFile()).item();
      localize(d, s3Port, pg.getPort());
      client.resource(d).create();

      kubelet.start();
      // The example's manual run as written (bronze and silver), at the quickstart's snapshot time.
      OverwatchRun run = client.resources(OverwatchRun.class).load(OperatorTestSupport.REPO.resolve("examples/kubernetes/run.yaml").toFile()).item();
      run.getMetadata().setGenerateName(null);
      run.getMetadata().setName(RUN);
      run.getSpec().snapshotTime = "2026-11-07T00:00:00Z";
      client.resource(run).create();

      Set<String> executors = new TreeSet<>();
      Map<String, String> executorOwners = new HashMap<>();
      long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
      OverwatchRun current;
      while (true) {
        current = client.resources(OverwatchRun.class).inNamespace(NS).withName(RUN).get();
        String phase = current.getStatus() == null ? null : current.getStatus().phase;
        if ("Succeeded".equals(phase) || "Failed".equals(phase) || "Cancelled".equals(phase) || System.nanoTime() > deadline) {
          break;
        }
        for (Pod p : client.pods().inNamespace(NS).withLabel("spark-role", "executor").list().getItems()) {
          if (executors.add(p.getMetadata().getName())) {
            executorOwners.put(p.getMetadata().getName(), p.getMetadata().getOwnerReferences().get(0).getName());
            Files.writeString(work.resolve("executor-" + p.getMetadata().getName() + ".yaml"), Serialization.asYaml(p));
          }
        }
        Thread.sleep(500);
      }
      Files.writeString(work.resolve("kubelet-events.txt"), String.join("\n", kubelet.events()));
      assertEquals("Succeeded", current.getStatus().phase, "run ended " + current.getStatus().phase + ": " + current.getStatus().message
          + " layers=" + Serialization.asJson(current.getStatus().layers) + "; pod logs under " + work);

      // Executors: two per layer, owned by that layer's driver pod, with the executor template applied.
      Map<String, Long> executorsPerDriver = executorOwners.values().stream()
          .collect(java.util.stream.Collectors.groupingBy(o -> o, java.util.TreeMap::new, java.util.stream.Collectors.counting()));
      assertEquals(LAYERS.stream().map(l -> RUN + "-" + l + "-1").collect(java.util.stream.Collectors.toSet()),
          executorsPerDriver.keySet(), "executor pods are owned by their layer's driver pod: " + executorOwners);
      executorsPerDriver.forEach((driver, n) -> assertTrue(n >= 2, driver + " started " + n + " executors"));
      Pod sample = Serialization.unmarshal(Files.readString(work.resolve("executor-" + executors.iterator().next() + ".yaml")), Pod.class);
      assertTrue(sample.getSpec().getContainers().get(0).getSecurityContext().getReadOnlyRootFilesystem());
      assertTrue(sample.getSpec().getContainers().get(0).getEnv().stream().anyMatch(e -> e.getName().equals("AWS_ACCESS_KEY_ID")
          && e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null), "S3 credentials reach executors as Secret references");
      // No pod left behind: executors deleted after their layer, no container still running.
      assertTrue(client.pods().inNamespace(NS).withLabel("spark-role", "executor").list().getItems().isEmpty(), "executor pods left");
      Thread.sleep(2000);
      assertTrue(kubelet.liveContainers().stream().noneMatch(c -> c.contains("-exec-")), "executor containers left: " + kubelet.liveContainers());
      assertEquals("", kubelet.runningContainers(), "containers still running after the run");

      // Tasks ran on the executor containers: the drivers' own Spark event logs, in the bucket.
      Map<String, Integer> tasksByExecutor = tasksByExecutor(work.resolve("s3/acme-cluster-logs/overwatch-eventlogs"));
      assertTrue(tasksByExecutor.keySet().containsAll(Set.of("1", "2")), "tasks by executor id " + tasksByExecutor);
      assertNull(tasksByExecutor.get("driver"), "no task ran in the driver: " + tasksByExecutor);

      // Tables in the bucket, registered in the PostgreSQL metastore.
      Path etl = work.resolve("s3/acme-overwatch/prod/overwatch_etl");
      List<String> tables;
      try (Stream<Path> list = Files.list(etl)) {
        tables = list.filter(t -> Files.isDirectory(t.resolve("_delta_log"))).map(t -> t.getFileName().toString()).sorted().toList();
      }
      assertTrue(tables.containsAll(List.of("audit_log_bronze", "clusters_snapshot_bronze", "cluster_events_bronze", "pipeline_report")),
          "Delta tables in the bucket: " + tables);
      // Silver ran too (its Spark UI modules are EMPTY: the quickstart's event logs are dated after the snapshot).
      assertTrue(current.getStatus().modules.stream().anyMatch(m -> m.id != null && m.id >= 2000 && m.id < 3000), "silver modules in the run status");
      try (Connection c = pg.getDatabase("overwatch", "metastore").getConnection(); Statement st = c.createStatement();
           var rs = st.executeQuery("select t.\"TBL_NAME\", s.\"LOCATION\" from \"TBLS\" t join \"SDS\" s on t.\"SD_ID\" = s.\"SD_ID\""
               + " where t.\"TBL_NAME\" = 'audit_log_bronze'")) {
        assertTrue(rs.next(), "audit_log_bronze is registered in the PostgreSQL metastore");
        assertTrue(rs.getString(2).startsWith("s3a://acme-overwatch/prod/"), "its location is in the bucket: " + rs.getString(2));
      }
      assertTrue(current.getStatus().modules.stream().anyMatch(m -> m.rows != null && m.rows > 0), "some module wrote rows");
      // docs/images.md: pod start (podman run) to the first module's progress line, per layer.
      StringBuilder timings = new StringBuilder();
      for (String layer : LAYERS) {
        Path pod = work.resolve("pods/" + RUN + "-" + layer + "-1");
        timings.append(layer).append(": pod start to first module ").append(firstModuleSeconds(pod, layer)).append(" s\n");
      }
      Files.writeString(work.resolve("timings.txt"), timings);
      System.out.println("ContainerEndToEndTest timings\n" + timings);
    } finally {
      s3.destroy();
      s3.waitFor();
    }
  }

  /** The environment-specific parts of the example; everything else is applied as written. */
  private void localize(OverwatchDeployment d, int s3Port, int pgPort) {
    var spec = d.getSpec();
    spec.schedule = null;
    spec.spark.image = IMAGE;
    spec.spark.driver.cpu = "1";
    spec.spark.driver.memory = "1g";
    spec.spark.executor.cpu = "1";
    spec.spark.executor.memory = "640m";
    spec.spark.sparkConf.putAll(Map.of(
        "spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:" + s3Port,
        "spark.hadoop.fs.s3a.endpoint.region", "us-east-1",
        "spark.hadoop.fs.s3a.path.style.access", "true",
        "spark.hadoop.fs.s3a.connection.ssl.enabled", "false",
        "spark.sql.shuffle.partitions", "4"));
    spec.spark.sparkConf.putAll(Map.of(
        "spark.eventLog.enabled", "true",
        "spark.eventLog.dir", "s3a://acme-cluster-logs/overwatch-eventlogs",
        "spark.eventLog.compress", "false",
        "spark.eventLog.rolling.enabled", "false",
        // S3Proxy's filesystem backend returns no ETag on GET, which S3A's change detection requires.
        "spark.hadoop.fs.s3a.change.detection.version.required", "false",
        // Host networking gives every executor the address 127.0.0.1, so Spark would read another
        // executor's shuffle files as "host-local" from its own container's disk.
        "spark.shuffle.readHostLocalDisk", "false"));
    spec.catalog.jdbc.url = "jdbc:postgresql://127.0.0.1:" + pgPort + "/metastore";
    var w = spec.workspaces.get(0);
    w.apiReplayPath = "/data/quickstart-api";
    w.sparkEventLogPaths = new ArrayList<>(List.of("s3a://acme-cluster-logs/spark-apps/eventlogs"));
    var template = spec.spark.podTemplate;
    template.setSpec(new PodSpecBuilder(template.getSpec())
        .addNewVolume().withName("quickstart-api").withNewPersistentVolumeClaim().withClaimName("quickstart-api").withReadOnly(true).endPersistentVolumeClaim().endVolume()
        .editFirstContainer().addNewVolumeMount().withName("quickstart-api").withMountPath("/data/quickstart-api").withReadOnly(true).endVolumeMount().endContainer()
        .build());
  }

  /** Seconds from the kubelet's podman run to the first "[layer] ..." progress line of the driver. */
  static long firstModuleSeconds(Path podDir, String layer) throws IOException {
    java.time.Instant started = java.time.Instant.parse(Files.readString(podDir.resolve("started-at")).trim());
    for (String line : Files.readAllLines(podDir.resolve("container.log"), StandardCharsets.UTF_8)) {
      int space = line.indexOf(' ');
      if (space > 0 && line.startsWith("[" + layer + "]", space + 1)) {
        return Duration.between(started, java.time.OffsetDateTime.parse(line.substring(0, space)).toInstant()).toSeconds();
      }
    }
    return -1;
  }

  /** Task counts per executor id from uncompressed Spark event logs. */
  static Map<String, Integer> tasksByExecutor(Path dir) throws IOException {
    Map<String, Integer> out = new HashMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          if (line.startsWith("{\"Event\":\"SparkListenerTaskEnd\"")) {
            Map<?, ?> event = Serialization.unmarshal(line, Map.class);
            String id = String.valueOf(((Map<?, ?>) event.get("Task Info")).get("Executor ID"));
            out.merge(id, 1, Integer::sum);
          }
        }
      }
    }
    return out;
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        Files.createDirectories(target.getParent());
        Files.copy(f, target);
      }
    }
  }

  /** S3Proxy in its own JVM (target/s3proxy/s3proxy.jar, copied by the build), serving the folder's buckets. */
  private static Process startS3Proxy(Path work, Path buckets, int port) throws IOException, InterruptedException {
    Path jar = Path.of("target/s3proxy/s3proxy.jar").toAbsolutePath();
    assertTrue(Files.exists(jar), jar + " is missing (mvn generate-test-resources copies it)");
    Path conf = work.resolve("s3proxy.properties");
    Files.writeString(conf, String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + KEY,
        "s3proxy.credential=" + SECRET,
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + buckets, ""));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx256m", "-jar", jar.toString(), "--properties", conf.toString())
        .redirectErrorStream(true).redirectOutput(work.resolve("s3proxy.log").toFile()).start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
        return p;
      } catch (IOException notYet) {
        assertTrue(p.isAlive(), "S3Proxy exited: " + Files.readString(work.resolve("s3proxy.log")));
        Thread.sleep(200);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("S3Proxy did not listen on " + port + " within 60 s");
  }

  private void secret(String name, Map<String, String> data) {
    Map<String, String> encoded = new HashMap<>();
    data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata().withData(encoded).build())
        .createOr(x -> x.update());
  }

  private static String appVersion() {
    try {
      return Files.readAllLines(OperatorTestSupport.REPO.resolve("charts/overwatch-operator/Chart.yaml")).stream()
          .filter(l -> l.startsWith("appVersion:")).map(l -> l.substring("appVersion:".length()).trim().replace("\"", ""))
          .findFirst().orElseThrow();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
