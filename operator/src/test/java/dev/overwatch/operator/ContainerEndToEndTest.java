package dev.overwatch.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HashMap;
import java.util.UUID;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
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
 * the drivers' own Spark event logs written to the workspace's event-log folder in the bucket, and no
 * schedule. The quickstart's audit logs, cluster logs and Spark event logs are uploaded to the bucket.
 * <p>Two runs (decision 700): the first loads bronze at the quickstart's snapshot time; its driver's event
 * log, with the tasks its two executors ran, is then complete in the bucket. The second runs every layer
 * at the current time, so its 1006 ingests that log, and the test reads {@code overwatch.sparktask} with
 * the image's {@code overwatch sql} (as README "Install on Kubernetes" step 5 does) to find the executor
 * ids of the pods the kubelet ran.
 * <p>Skipped when podman or the image is missing; with {@code CI=true} it fails instead.
 */
@QuarkusTest
@WithKubernetesTestServer
class ContainerEndToEndTest extends OperatorTestSupport.WithCrds {
  static final String NS = "analytics";
  /** What images/build tags by default: the chart's appVersion. */
  static final String IMAGE = System.getProperty("ow.spark.image", "localhost/overwatch-k8s/overwatch-spark:" + appVersion());
  static final Path QUICKSTART = OperatorTestSupport.REPO.resolve("examples/quickstart");
  static final Duration RUN_LIMIT = Duration.ofMinutes(60);
  /** Run 1: bronze at the quickstart's snapshot time; its driver's event log is what run 2 ingests. */
  static final String RUN1 = "prod-e2e-1";
  /** Run 2: every layer, at the current time. */
  static final String RUN2 = "prod-e2e-2";
  static final List<String> ALL_LAYERS = List.of("bronze", "silver", "gold", "presentation");
  static final String EVENT_LOGS = "s3a://acme-cluster-logs/spark-apps/eventlogs";
  static final String KEY = "overwatch-e2e";
  static final String SECRET = "overwatch-e2e-secret";

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

      // Run 1: the example's manual run restricted to the audit logs (bronze 1004), at the quickstart's snapshot time:
      // executor tasks in its driver's event log, which is complete in the bucket when the run ends.
      Map<String, Pod> executorPods = new TreeMap<>();
      OverwatchRun first = runToEnd(RUN1, List.of("bronze"), List.of(1004), "2026-11-07T00:00:00Z", executorPods, work);
      assertNoPodLeft(kubelet);
      // The workspace keeps delivering audit logs: today's folder. Modules after 1004 (1006 among them) wait for
      // its progress, and without a delivery after the quickstart's days it would stay at their end.
      deliverAuditLogDay(buckets.resolve("acme-audit-logs/workspaceId=6048213925118712"), Instant.now().minusSeconds(60));
      // Run 2: the example's run as written (every layer, up to now); its bronze 1006 ingests run 1's driver event log.
      OverwatchRun current = runToEnd(RUN2, null, null, null, executorPods, work);
      assertNoPodLeft(kubelet);
      Files.writeString(work.resolve("kubelet-events.txt"), String.join("\n", kubelet.events()));
      assertEquals(ALL_LAYERS, current.getStatus().layers.stream().map(l -> l.name).toList());
      assertTrue(current.getStatus().layers.stream().allMatch(l -> "Succeeded".equals(l.phase)), Serialization.asJson(current.getStatus().layers));

      // Executors: at least two per layer, owned by that layer's driver pod, with the executor template applied.
      Map<String, Long> executorsPerDriver = executorPods.values().stream().collect(Collectors.groupingBy(
          p -> p.getMetadata().getOwnerReferences().get(0).getName(), TreeMap::new, Collectors.counting()));
      Set<String> drivers = new TreeSet<>(List.of(RUN1 + "-bronze-1"));
      ALL_LAYERS.forEach(l -> drivers.add(RUN2 + "-" + l + "-1"));
      assertEquals(drivers, executorsPerDriver.keySet(), "executor pods are owned by their layer's driver pod");
      executorsPerDriver.forEach((driver, n) -> assertTrue(n >= 2, driver + " started " + n + " executors"));
      Pod sample = executorPods.values().iterator().next();
      var container = sample.getSpec().getContainers().get(0);
      assertTrue(container.getSecurityContext().getReadOnlyRootFilesystem());
      assertTrue(container.getEnv().stream().anyMatch(e -> e.getName().equals("AWS_ACCESS_KEY_ID")
          && e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null), "S3 credentials reach executors as Secret references");
      assertTrue(container.getEnv().stream().anyMatch(e -> e.getName().equals("_SPARK_AUTH_SECRET")
          && e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null), "the RPC secret reaches executors as a Secret reference");

      // Tables in the bucket, registered in the PostgreSQL metastore, the consumer views published.
      Path etl = work.resolve("s3/acme-overwatch/prod/overwatch_etl");
      Set<String> tables;
      try (Stream<Path> list = Files.list(etl)) {
        tables = list.filter(t -> Files.isDirectory(t.resolve("_delta_log"))).map(t -> t.getFileName().toString().toLowerCase(java.util.Locale.ROOT))
            .collect(Collectors.toCollection(TreeSet::new));
      }
      assertTrue(tables.containsAll(List.of("audit_log_bronze", "spark_events_bronze", "spark_tasks_silver", "sparktask_gold",
          "clusterstatefact_gold", "pipeline_report")), "Delta tables in the bucket: " + tables);
      try (Connection c = pg.getDatabase("overwatch", "metastore").getConnection(); Statement st = c.createStatement();
           var rs = st.executeQuery("select t.\"TBL_NAME\", t.\"TBL_TYPE\", s.\"LOCATION\", d.\"NAME\" from \"TBLS\" t"
               + " join \"DBS\" d on t.\"DB_ID\" = d.\"DB_ID\" left join \"SDS\" s on t.\"SD_ID\" = s.\"SD_ID\"")) {
        Set<String> views = new TreeSet<>();
        String auditLocation = null;
        while (rs.next()) {
          if ("VIRTUAL_VIEW".equals(rs.getString(2)) && "overwatch".equals(rs.getString(4))) {
            views.add(rs.getString(1));
          } else if ("audit_log_bronze".equals(rs.getString(1))) {
            auditLocation = rs.getString(3);
          }
        }
        assertTrue(auditLocation != null && auditLocation.startsWith("s3a://acme-overwatch/prod/"), "audit_log_bronze in the bucket: " + auditLocation);
        assertTrue(views.containsAll(List.of("sparktask", "sparkexecutor", "clusterstatefact", "jobrun")), "consumer views: " + views);
      }
      assertTrue(first.getStatus().modules.stream().anyMatch(m -> Integer.valueOf(1004).equals(m.id) && m.rows != null && m.rows > 0), "run 1 loaded audit logs");
      var sparkEvents = current.getStatus().modules.stream().filter(m -> Integer.valueOf(1006).equals(m.id)).findFirst().orElseThrow();
      assertEquals("SUCCESS", sparkEvents.status, "run 2 ingested Spark event logs: " + Serialization.asJson(sparkEvents));

      // Tasks ran on executor containers, shown from the Spark data: overwatch.sparktask.
      Map<String, Set<String>> executorIdsByApp = new TreeMap<>();
      for (Pod p : executorPods.values()) {
        if (p.getMetadata().getOwnerReferences().get(0).getName().equals(RUN1 + "-bronze-1")) {
          executorIdsByApp.computeIfAbsent(p.getMetadata().getLabels().get("spark-app-selector"), k -> new TreeSet<>())
              .add(p.getMetadata().getLabels().get("spark-exec-id"));
        }
      }
      assertEquals(1, executorIdsByApp.size(), "one application in run 1's bronze: " + executorIdsByApp);
      String app = executorIdsByApp.keySet().iterator().next();
      // event_log_start (a list of paths, with commas) goes last: the CSV line is split into as many fields as the header has.
      List<String[]> tasks = sql(work, d, "select executor_id, host, count(*) as tasks, event_log_start from overwatch.sparktask"
          + " group by executor_id, host, event_log_start order by 4, 1");
      long executorIds = tasks.stream().filter(r -> !"driver".equals(r[0])).map(r -> r[3] + "/" + r[0]).distinct().count();
      assertTrue(executorIds > 0, "tasks on executors in sparktask: " + tasks.stream().map(List::of).toList());
      List<String[]> ours = tasks.stream().filter(r -> r[3].contains(app)).toList();
      assertFalse(ours.isEmpty(), "run 1's bronze application " + app + " in sparktask: " + tasks.stream().map(List::of).toList());
      Set<String> taskExecutors = ours.stream().map(r -> r[0]).collect(Collectors.toCollection(TreeSet::new));
      assertTrue(executorIdsByApp.get(app).containsAll(taskExecutors),
          "executor ids in sparktask " + taskExecutors + " are those of the executor pods " + executorIdsByApp.get(app));
      assertFalse(taskExecutors.contains("driver"), "no task of that application ran in the driver: " + taskExecutors);
      // Host networking: every pod's IP is the one the kubelet reports, 127.0.0.1.
      assertTrue(ours.stream().allMatch(r -> r[1].equals("127.0.0.1")), "task hosts are the executor pods' IP");
      System.out.println("ContainerEndToEndTest sparktask (executor, host, tasks, event log): " + tasks.stream().map(List::of).toList());

      // docs/images.md: pod start (podman run) to the first module's progress line, per layer; executor start.
      StringBuilder timings = new StringBuilder("load average at the end: " + loadAverage() + "\n");
      for (String driver : drivers) {
        String layer = driver.replaceAll("^.*-(bronze|silver|gold|presentation)-1$", "$1");
        timings.append(driver).append(": pod start to first module ").append(firstModuleSeconds(work.resolve("pods/" + driver), layer)).append(" s");
        String driverApp = executorPods.values().stream().filter(p -> p.getMetadata().getOwnerReferences().get(0).getName().equals(driver))
            .map(p -> p.getMetadata().getLabels().get("spark-app-selector")).findFirst().orElse(null);
        timings.append(", executor container start to registered (s) ")
            .append(executorRegistrationSeconds(work.resolve("pods"), work.resolve("s3/acme-cluster-logs/spark-apps/eventlogs"), driver, driverApp)).append("\n");
      }
      Files.writeString(work.resolve("timings.txt"), timings);
      System.out.println("ContainerEndToEndTest timings\n" + timings);
    } finally {
      s3.destroy();
      s3.waitFor();
    }
  }

  /** Creates a run of the example (layers and snapshot as given, null: as written) and waits for its end, recording executor pods. */
  private OverwatchRun runToEnd(String name, List<String> layers, List<Integer> modules, String snapshot, Map<String, Pod> executorPods,
      Path work) throws Exception {
    OverwatchRun run = client.resources(OverwatchRun.class).load(OperatorTestSupport.REPO.resolve("examples/kubernetes/run.yaml").toFile()).item();
    run.getMetadata().setGenerateName(null);
    run.getMetadata().setName(name);
    if (layers != null) {
      run.getSpec().layers = new ArrayList<>(layers);
    }
    if (modules != null) {
      run.getSpec().includeModules = new ArrayList<>(modules);
    }
    run.getSpec().snapshotTime = snapshot;
    client.resource(run).create();
    long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
    OverwatchRun current;
    while (true) {
      current = client.resources(OverwatchRun.class).inNamespace(NS).withName(name).get();
      String phase = current.getStatus() == null ? null : current.getStatus().phase;
      if ("Succeeded".equals(phase) || "Failed".equals(phase) || "Cancelled".equals(phase) || System.nanoTime() > deadline) {
        break;
      }
      for (Pod p : client.pods().inNamespace(NS).withLabel("spark-role", "executor").list().getItems()) {
        if (executorPods.putIfAbsent(p.getMetadata().getName(), p) == null) {
          Files.writeString(work.resolve("executor-" + p.getMetadata().getName() + ".yaml"), Serialization.asYaml(p));
        }
      }
      Thread.sleep(500);
    }
    assertEquals("Succeeded", current.getStatus().phase, name + " ended " + current.getStatus().phase + ": " + current.getStatus().message
        + " layers=" + Serialization.asJson(current.getStatus().layers) + "; pod logs under " + work);
    // What README's `kubectl wait --for=condition=Succeeded` waits for.
    assertEquals("True", Conditions.get(current.getStatus().conditions, "Succeeded").orElseThrow().getStatus());
    return current;
  }

  /**
   * One more day of audit-log delivery: the newest quickstart record again as a new event (new request id) at
   * {@code at}, in that day's {@code date=} folder, as Databricks delivers it.
   */
  static void deliverAuditLogDay(Path root, Instant at) throws IOException {
    Path newestDay;
    try (Stream<Path> days = Files.list(root)) {
      newestDay = days.filter(p -> p.getFileName().toString().startsWith("date=")).max(Comparator.naturalOrder()).orElseThrow();
    }
    Path file;
    try (Stream<Path> files = Files.list(newestDay)) {
      file = files.filter(Files::isRegularFile).sorted().findFirst().orElseThrow();
    }
    String record = Files.readAllLines(file, StandardCharsets.UTF_8).get(0)
        .replaceFirst("\"timestamp\":\\d+", "\"timestamp\":" + at.toEpochMilli())
        .replaceFirst("\"requestId\":\"[^\"]*\"", "\"requestId\":\"" + UUID.randomUUID() + "\"");
    Path day = Files.createDirectories(root.resolve("date=" + at.atZone(ZoneOffset.UTC).toLocalDate()));
    Files.writeString(day.resolve("auditlogs_" + UUID.randomUUID() + ".json"), record + "\n");
  }

  /** No pod left behind: executors deleted after their layer, no container of the test still running. */
  private void assertNoPodLeft(PodmanKubelet kubelet) throws Exception {
    assertTrue(client.pods().inNamespace(NS).withLabel("spark-role", "executor").list().getItems().isEmpty(), "executor pods left");
    Thread.sleep(2000);
    assertTrue(kubelet.liveContainers().stream().noneMatch(c -> c.contains("-exec-")), "executor containers left: " + kubelet.liveContainers());
    assertEquals("", kubelet.runningContainers(), "containers still running after the run");
  }

  /**
   * A query with the image's job CLI ({@code entrypoint overwatch sql}), as a user would run it next to the
   * bucket and the metastore: the deployment as localized, the credentials from the environment. CSV rows.
   */
  private List<String[]> sql(Path work, OverwatchDeployment d, String query) throws Exception {
    Path dir = Files.createDirectories(work.resolve("query"));
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    OverwatchDeployment copy = Serialization.clone(d);
    copy.getSpec().spark.sparkConf.remove("spark.eventLog.enabled"); // the query's own log would land in the workspace's folder
    Files.writeString(dir.resolve("deployment.yaml"), Serialization.asYaml(copy));
    Path env = dir.resolve("env");
    Files.writeString(env, "AWS_ACCESS_KEY_ID=" + KEY + "\nAWS_SECRET_ACCESS_KEY=" + SECRET + "\nOVERWATCH_CATALOG_PASSWORD=metastore-pw\n"
        + "OVERWATCH_JAVA_OPTS=-Xmx768m\n");
    List<String> cmd = PodmanKubelet.podman("run", "--rm", "--network=host", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=4096:4096",
        "--pull=never", "--user", "185:185", "--read-only", "--env-file=" + env, "--volume=" + tmp + ":/tmp",
        "--volume=" + dir.resolve("deployment.yaml") + ":/etc/overwatch/deployment.yaml:ro",
        IMAGE, "overwatch", "sql", "--deployment", "/etc/overwatch/deployment.yaml", "--format", "csv", query);
    Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("stderr.txt").toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, java.util.concurrent.TimeUnit.MINUTES), "overwatch sql did not end");
    Files.writeString(dir.resolve("stdout.txt"), out);
    assertEquals(0, p.exitValue(), "overwatch sql failed, see " + dir);
    // The rows follow the header line (its first column is the query's first one); anything else on stdout is skipped.
    List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
    String firstColumn = query.replaceFirst("(?is)^\\s*select\\s+([A-Za-z_0-9]+).*$", "$1");
    int header = lines.stream().filter(l -> l.startsWith(firstColumn + ",")).findFirst().map(lines::indexOf).orElse(-1);
    assertTrue(header >= 0, "no result header in the output of overwatch sql, see " + dir);
    // Only the last column may hold commas (a quoted list): split each row into the header's number of fields.
    int columns = lines.get(header).split(",", -1).length;
    return lines.subList(header + 1, lines.size()).stream().map(l -> l.split(",", columns)).toList();
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
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
        // The drivers' own event logs go to the workspace's event-log folder: a later run's 1006 reads them.
        "spark.eventLog.dir", EVENT_LOGS,
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
    w.sparkEventLogPaths = new ArrayList<>(List.of(EVENT_LOGS));
    // Run 2's window reaches today from the quickstart's dates, whatever today is.
    spec.maxDaysToLoad = 3650;
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

  /**
   * Seconds from each executor container's start (the kubelet's podman run) to its SparkListenerExecutorAdded
   * event in the driver's event log (the executor registered), e.g. "1: 21, 2: 23"; "?" where one is missing.
   */
  static String executorRegistrationSeconds(Path pods, Path eventLogs, String driver, String app) throws IOException {
    Map<String, Long> added = new HashMap<>();
    Path log = app == null ? null : eventLogs.resolve(app);
    if (log != null && Files.exists(log)) {
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        if (line.startsWith("{\"Event\":\"SparkListenerExecutorAdded\"")) {
          Map<?, ?> event = Serialization.unmarshal(line, Map.class);
          added.put(String.valueOf(event.get("Executor ID")), ((Number) event.get("Timestamp")).longValue());
        }
      }
    }
    List<String> out = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(pods)) {
      for (Path dir : dirs.filter(x -> x.getFileName().toString().startsWith(driver + "-exec-")).sorted().toList()) {
        String id = dir.getFileName().toString().substring((driver + "-exec-").length());
        long started = java.time.Instant.parse(Files.readString(dir.resolve("started-at")).trim()).toEpochMilli();
        out.add(id + ": " + (added.containsKey(id) ? Long.toString((added.get(id) - started) / 1000) : "?"));
      }
    }
    return String.join(", ", out);
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
