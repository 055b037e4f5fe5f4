package dev.overwatch.operator.bench;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchRun;
import dev.overwatch.api.v1alpha1.OverwatchRunSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import dev.overwatch.operator.LaunchTimings;
import io.quarkus.test.junit.QuarkusTest;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Not a test: {@code mvn -o -pl crds,operator -am test -Pbenchmark [-Dbench.runs=50,500]
 * [-Dbench.sparkSubmit=10] [-Dow.e2e.root=DIR]}. Measures OverwatchRun created -> driver pod created
 * against the mock API server, then the same launch through Spark's own SparkSubmit (k8s master,
 * cluster mode, waitAppCompletion=false) against the same server, and prints the ratio.
 */
@QuarkusTest
@WithTestResource(BenchMockServer.class) // Fabric8's mock server in CRUD mode; -Dbench.mockServer=stock|indexed
class LaunchLatencyBenchmark {
  static final String NS = "bench";
  static final Path ROOT = Path.of(System.getProperty("ow.e2e.root", System.getProperty("ow.repo.root", ".."))).toAbsolutePath().normalize();

  @Inject
  KubernetesClient client;

  @Inject
  LaunchTimings timings;

  @KubernetesTestServer
  KubernetesMockServer server;

  /** Reconcile threads of the operator (JOSDK default 50 unless configured): the baseline uses as many. */
  @ConfigProperty(name = "quarkus.operator-sdk.concurrent-reconciliation-threads", defaultValue = "50")
  int reconcileThreads;

  /** First time each run (by name) was seen by the benchmark's own informer: the informer lag a controller sees too. */
  final Map<String, Long> runSeen = new ConcurrentHashMap<>();

  /** First time each driver pod (by name) was seen by the benchmark's own informer. */
  final Map<String, Long> podSeen = new ConcurrentHashMap<>();

  @Test
  void benchmark() throws Exception {
    installCrds();
    client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("demo-token").endMetadata()
        .addToData("token", Base64.getEncoder().encodeToString("x".getBytes())).build()).create();
    SharedIndexInformer<Pod> informer = client.pods().inNamespace(NS).inform(firstSeen(podSeen));
    SharedIndexInformer<OverwatchRun> runInformer = client.resources(OverwatchRun.class).inNamespace(NS).inform(firstSeen(runSeen));
    List<String> report = new ArrayList<>();
    report.add("mock API server: Fabric8 KubernetesMockServer, CRUD mode, " + BenchMockServer.kind() + " dispatcher (-Dbench.mockServer)");
    report.add("load before: " + uptime());
    double operatorP50 = 0;
    try {
      int sequential = Integer.getInteger("bench.sequential", 20);
      if (sequential > 0) {
        sequentialRound(sequential, report);
      }
      // Rounds reuse one set of deployments and start from the same store: the mock server scans every
      // stored object on each request, so leftovers of a round would slow the next one down.
      String[] rounds = System.getProperty("bench.runs", "50,500").split(",");
      for (int k = 0; k < rounds.length; k++) {
        int runs = Integer.parseInt(rounds[k].trim());
        int from = report.size();
        report.add(String.format("-- round %d of %d (N=%d); load before: %s", k + 1, rounds.length, runs, uptime()));
        if (Boolean.parseBoolean(System.getProperty("bench.baseline", "true"))) {
          MockServerBaseline.run(client, NS, "b" + k, runs, reconcileThreads, podSeen, report);
          clearRound();
        }
        readyDeployments(runs);
        double[] ms = operatorRound(runs, "r" + k, report);
        operatorP50 = ms[0];
        report.add("   load after: " + uptime());
        report.subList(from, report.size()).forEach(System.out::println); // at once: a later round may not finish
        clearRound();
      }
      int submits = Integer.getInteger("bench.sparkSubmit", 10);
      if (submits > 0) {
        sparkSubmitRound(submits, operatorP50, report);
      }
    } finally {
      informer.close();
      runInformer.close();
    }
    System.out.println("\n==== launch latency benchmark ====");
    report.forEach(System.out::println);
    System.out.println("==================================\n");
  }

  /** Records when an informer first saw each object, by name. */
  static <T extends io.fabric8.kubernetes.api.model.HasMetadata> ResourceEventHandler<T> firstSeen(Map<String, Long> seen) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T o) {
        seen.putIfAbsent(o.getMetadata().getName(), System.nanoTime());
      }

      @Override
      public void onUpdate(T older, T newer) {}

      @Override
      public void onDelete(T o, boolean unknown) {}
    };
  }

  /** One run at a time on an idle operator: the like-for-like comparison with one spark-submit. */
  void sequentialRound(int n, List<String> report) throws Exception {
    double[] latencies = new double[n];
    for (int i = 0; i < n; i++) {
      client.resource(deployment("seq-" + i)).create();
    }
    for (int i = 0; i < n; i++) {
      String name = "seq-" + i;
      while (!isReady(client.resources(OverwatchDeployment.class).inNamespace(NS).withName(name).get())) {
        Thread.sleep(20);
      }
    }
    for (int i = 0; i < n; i++) {
      OverwatchRun r = new OverwatchRun();
      r.setMetadata(new ObjectMetaBuilder().withName("seq-" + i + "-run").withNamespace(NS).build());
      r.setSpec(new OverwatchRunSpec());
      r.getSpec().deploymentRef = new OverwatchRunSpec.DeploymentRef("seq-" + i);
      r.getSpec().layers = List.of("bronze");
      long t0 = System.nanoTime();
      client.resource(r).create();
      String pod = "seq-" + i + "-run-bronze-1";
      while (!podSeen.containsKey(pod)) {
        Thread.sleep(1);
      }
      latencies[i] = (podSeen.get(pod) - t0) / 1e6;
    }
    Arrays.sort(latencies);
    sequentialP50 = pct(latencies, 50);
    report.add(String.format("operator  sequential N=%3d  p50=%8.1f ms  p99=%8.1f ms  max=%8.1f ms  (one run at a time)",
        n, sequentialP50, pct(latencies, 99), latencies[n - 1]));
  }

  double sequentialP50 = Double.NaN;

  static boolean isReady(OverwatchDeployment d) {
    return d != null && d.getStatus() != null && d.getStatus().conditions.stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Deployments d-0 .. d-(n-1), created once and shared by the rounds. */
  void readyDeployments(int n) throws Exception {
    for (int i = 0; i < n; i++) {
      if (client.resources(OverwatchDeployment.class).inNamespace(NS).withName("d-" + i).get() == null) {
        client.resource(deployment("d-" + i)).create();
      }
    }
    long readyDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (client.resources(OverwatchDeployment.class).inNamespace(NS).list().getItems().stream()
        .filter(d -> d.getMetadata().getName().startsWith("d-"))
        .filter(d -> d.getStatus() != null && d.getStatus().conditions.stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
        .count() < n) {
      if (System.nanoTime() > readyDeadline) {
        throw new IllegalStateException("deployments not ready in time");
      }
      Thread.sleep(500);
    }
  }

  /** Deletes what a round left behind (runs, pods, ConfigMaps, leases, events); the deployments stay. */
  void clearRound() throws Exception {
    client.resources(OverwatchRun.class).inNamespace(NS).delete();
    client.pods().inNamespace(NS).delete();
    client.configMaps().inNamespace(NS).delete();
    client.leases().inNamespace(NS).delete();
    client.v1().events().inNamespace(NS).delete();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!client.resources(OverwatchRun.class).inNamespace(NS).list().getItems().isEmpty()
        || !client.leases().inNamespace(NS).list().getItems().isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("round not cleared in time");
      }
      client.leases().inNamespace(NS).delete(); // a run deleted mid-launch may still have taken its slot
      Thread.sleep(1000);
    }
    Thread.sleep(3000); // let the operator settle (deployments patch activeRun away)
  }

  double[] operatorRound(int n, String tag, List<String> report) throws Exception {
    requestsByKind(); // drops what was recorded so far (the mock server keeps every request it served)
    long heapBefore = usedHeapAfterGc();
    timings.clear();
    long[] created = new long[n];
    long[] createReturned = new long[n];
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      OverwatchRun r = new OverwatchRun();
      r.setMetadata(new ObjectMetaBuilder().withName(tag + "-" + i + "-run").withNamespace(NS).build());
      r.setSpec(new OverwatchRunSpec());
      r.getSpec().deploymentRef = new OverwatchRunSpec.DeploymentRef("d-" + i);
      r.getSpec().layers = List.of("bronze");
      created[i] = System.nanoTime();
      client.resource(r).create();
      createReturned[i] = System.nanoTime();
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    double[] latencies = new double[n];
    for (int i = 0; i < n; i++) {
      String pod = tag + "-" + i + "-run-bronze-1";
      while (!podSeen.containsKey(pod)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("no driver pod " + pod);
        }
        Thread.sleep(5);
      }
      latencies[i] = (podSeen.get(pod) - created[i]) / 1e6;
    }
    double wall = (System.nanoTime() - start) / 1e9;
    Map<String, Integer> requests = requestsByKind();
    long heapAfter = usedHeapAfterGc();
    // Segments: the benchmark's stamps (create sent/returned, its informers) joined with the operator's
    // (reconcile start, end of each step), all System.nanoTime of this one JVM.
    Map<String, LaunchTimings.Launch> byRun = new java.util.HashMap<>();
    timings.launches().forEach(l -> byRun.put(l.run(), l));
    Map<String, List<Double>> segments = new java.util.LinkedHashMap<>();
    java.util.function.BiConsumer<String, Double> add = (k, v) -> segments.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    for (int i = 0; i < n; i++) {
      String run = tag + "-" + i + "-run";
      String podName = run + "-bronze-1";
      LaunchTimings.Launch l = byRun.get(NS + "/" + run);
      add.accept("run create call (sent -> answered)", (createReturned[i] - created[i]) / 1e6);
      add.accept("run create sent -> run seen by an informer (API server + informer lag)", (runSeen.get(run) - created[i]) / 1e6);
      if (l == null) {
        continue; // launched by a later reconcile (e.g. after a conflict): steps not comparable
      }
      add.accept("run seen -> operator reconcile starts (workqueue wait)", (l.startNanos() - runSeen.get(run)) / 1e6);
      l.steps().forEach((step, d) -> add.accept("operator step: " + step, d.toNanos() / 1e6));
      add.accept("operator: reconcile start -> pod create answered", (l.ends().get("pod-create") - l.startNanos()) / 1e6);
      add.accept("pod create answered -> pod seen by an informer", (podSeen.get(podName) - l.ends().get("pod-create")) / 1e6);
    }
    double[] endToEnd = latencies.clone();
    Arrays.sort(latencies);
    double p50 = pct(latencies, 50);
    report.add(String.format("operator  N=%4d  p50=%8.1f ms  p99=%8.1f ms  max=%8.1f ms  wall=%6.1f s  (%5.1f launches/s)  heap used after GC: %d MiB before, %d MiB after (whole test JVM: operator + mock server)",
        n, p50, pct(latencies, 99), latencies[n - 1], wall, n / wall, heapBefore >> 20, heapAfter >> 20));
    if (Boolean.getBoolean("bench.histogram")) {
      classHistogram(report);
    }
    report.add(String.format("  segments at N=%d (ms; operator steps: the reconcile that created the first driver pod; %d of %d launches traced):",
        n, byRun.size(), n));
    report.add(String.format("  | %-72s | %5s | %8s | %8s | %8s |", "segment", "n", "p50", "p99", "max"));
    segments.put("END TO END: run create sent -> pod seen", Arrays.stream(endToEnd).boxed().toList());
    int total = requests.values().stream().mapToInt(Integer::intValue).sum();
    report.add(String.format("  API requests served by the mock server from the first run create until the last pod was seen: %d (%.1f per launch)",
        total, total / (double) n));
    report.add("    " + requests.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .map(e -> String.format("%s %.2f", e.getKey(), e.getValue() / (double) n)).collect(java.util.stream.Collectors.joining(", ", "per launch: ", "")));
    segments.forEach((name, v) -> {
      double[] sorted = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      report.add(String.format("  | %-72s | %5d | %8.1f | %8.1f | %8.1f |", name, sorted.length, pct(sorted, 50), pct(sorted, 99), sorted[sorted.length - 1]));
    });
    return new double[] {p50};
  }

  void sparkSubmitRound(int n, double operatorP50, List<String> report) throws Exception {
    Path lib = ROOT.resolve("spark-jobs/target/lib");
    if (!Files.isDirectory(lib)) {
      report.add("spark-submit: NOT RUN, missing " + lib + " (build spark-jobs, or -Dow.e2e.root=<checkout with the build>)");
      return;
    }
    String master = "k8s://" + client.getMasterUrl().toString().replaceAll("/$", "");
    Path tmp = Files.createDirectories(Path.of("target", "spark-submit-bench").toAbsolutePath());
    double[] latencies = new double[n];
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String pod = "ss-" + i + "-driver";
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx1g", "-Djava.io.tmpdir=" + tmp, "-cp", lib + "/*", "org.apache.spark.deploy.SparkSubmit",
          "--master", master, "--deploy-mode", "cluster", "--name", "ss-" + i,
          "--class", "dev.overwatch.jobs.cli.OverwatchJob",
          "--conf", "spark.kubernetes.namespace=" + NS,
          "--conf", "spark.kubernetes.container.image=example/overwatch-spark:bench",
          "--conf", "spark.kubernetes.driver.pod.name=" + pod,
          "--conf", "spark.kubernetes.submission.waitAppCompletion=false",
          "--conf", "spark.kubernetes.trust.certificates=true",
          "local:///opt/overwatch/overwatch-spark-jobs.jar", "run", "--deployment", "/etc/overwatch/deployment.yaml", "--layer", "bronze"));
      cmd.addAll(1, List.of(System.getProperty("spark.java.opts", "--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED").split(" ")));
      long t0 = System.nanoTime();
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("submit-" + i + ".log").toFile()).start();
      long deadline = t0 + TimeUnit.MINUTES.toNanos(2);
      while (!podSeen.containsKey(pod) && System.nanoTime() < deadline && (p.isAlive() || !podSeen.containsKey(pod))) {
        if (!p.isAlive() && !podSeen.containsKey(pod)) {
          Thread.sleep(200); // the informer may lag the process exit
          if (!podSeen.containsKey(pod)) {
            break;
          }
        }
        Thread.sleep(5);
      }
      p.waitFor(2, TimeUnit.MINUTES);
      if (!podSeen.containsKey(pod)) {
        failures.add("submit " + i + " exit=" + (p.isAlive() ? "running" : p.exitValue()) + " log=" + tmp.resolve("submit-" + i + ".log"));
        latencies[i] = Double.NaN;
      } else {
        latencies[i] = (podSeen.get(pod) - t0) / 1e6;
      }
    }
    double[] ok = Arrays.stream(latencies).filter(d -> !Double.isNaN(d)).sorted().toArray();
    if (ok.length == 0) {
      report.add("spark-submit: FAILED to create any driver pod: " + failures);
      return;
    }
    double p50 = pct(ok, 50);
    report.add(String.format("spark-submit N=%4d  p50=%8.1f ms  p99=%8.1f ms  max=%8.1f ms  (one JVM per launch, sequential; %d failed)",
        ok.length, p50, pct(ok, 99), ok[ok.length - 1], failures.size()));
    report.add(String.format("ratio spark-submit p50 / operator sequential p50 = %.1fx;  spark-submit p50 / operator burst p50 (last round) = %.1fx",
        p50 / sequentialP50, p50 / operatorP50));
    report.add("note: SparkSubmit creates the driver pod, then server-side-applies the driver Service, which the mock server"
        + " answers 404 (no SSA support): the submission exits non-zero after the measured pod creation");
    failures.forEach(f -> report.add("  " + f));
  }

  OverwatchDeployment deployment(String name) {
    OverwatchDeployment d = new OverwatchDeployment();
    d.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    d.setSpec(io.fabric8.kubernetes.client.utils.Serialization.unmarshal("""
        workspaces:
          - name: demo
            organizationId: "1"
            tokenSecretRef: {name: demo-token, key: token}
        storage: {prefix: /data/overwatch}
        """, dev.overwatch.api.v1alpha1.OverwatchDeploymentSpec.class));
    return d;
  }

  void installCrds() throws Exception {
    try (var files = Files.list(Path.of(System.getProperty("ow.repo.root", "..")).resolve("crds"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(f.toFile()).item();
        if (client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName()).get() == null) {
          client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        }
      }
    }
  }

  /** Requests the mock server recorded since the last call, by verb and resource ("PATCH overwatchdeployments/status"). */
  Map<String, Integer> requestsByKind() throws InterruptedException {
    Map<String, Integer> byKind = new java.util.TreeMap<>();
    for (var r = server.takeRequest(0, TimeUnit.SECONDS); r != null;
        r = server.takeRequest(0, TimeUnit.SECONDS)) {
      String[] pathAndQuery = r.getPath().split("\\?", 2);
      String[] parts = pathAndQuery[0].split("/");
      int ns = Arrays.asList(parts).indexOf("namespaces");
      String kind = ns >= 0 && parts.length > ns + 2 ? parts[ns + 2] : parts[parts.length - 1];
      boolean named = ns >= 0 && parts.length > ns + 3;
      String sub = ns >= 0 && parts.length > ns + 4 ? "/" + parts[ns + 4] : "";
      boolean watch = pathAndQuery.length > 1 && pathAndQuery[1].contains("watch=true");
      String verb = watch ? "WATCH" : "GET".equals(r.getMethod()) && !named ? "LIST" : r.getMethod();
      byKind.merge(verb + " " + kind + sub, 1, Integer::sum);
    }
    return byKind;
  }

  static String uptime() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim() + " (1/5/15-min load average, runnable/threads, last pid)";
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  /**
   * The live-object histogram of this JVM (jcmd GC.class_histogram through the DiagnosticCommand MBean:
   * a full GC first) at the end of a round, while the store still holds the round's objects.
   */
  static void classHistogram(List<String> report) throws Exception {
    String h = (String) ManagementFactory.getPlatformMBeanServer().invoke(new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
        "gcClassHistogram", new Object[] {new String[0]}, new String[] {String[].class.getName()});
    List<String> lines = h.lines().toList();
    report.add("  live heap histogram at the end of the round (top 15 classes and total):");
    lines.stream().limit(17).forEach(l -> report.add("    " + l));
    report.add("    " + lines.get(lines.size() - 1));
  }

  static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static double pct(double[] sorted, int p) {
    int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
  }
}
