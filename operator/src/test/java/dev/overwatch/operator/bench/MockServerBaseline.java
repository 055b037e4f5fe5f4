package dev.overwatch.operator.bench;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The mock API server's own cost, without the operator: the same client replays a launch's API calls.
 * (a) N driver-sized pods created back to back from one thread (create sent -> pod seen by an informer);
 * (b) the operator's shape with no operator logic: one thread creates N trigger objects back to back, an
 * informer hands each to a pool as large as the operator's reconcile pool, and each task makes the
 * launch's calls (lease create, ConfigMap create, pod create, status write, 1 event: the launch's transitions
 * folded into one, decision 1000);
 * latency is trigger create sent -> pod seen. Operator overhead = operator end to end - (b).
 */
final class MockServerBaseline {
  private MockServerBaseline() {}

  static void run(KubernetesClient client, String ns, String tag, int n, int threads, Map<String, Long> podSeen, List<String> report)
      throws Exception {
    // (a) raw pod creates
    double[] raw = new double[n];
    long[] sent = new long[n];
    for (int i = 0; i < n; i++) {
      sent[i] = System.nanoTime();
      client.pods().inNamespace(ns).resource(pod(tag + "-raw-" + i)).create();
    }
    for (int i = 0; i < n; i++) {
      raw[i] = (awaitSeen(podSeen, tag + "-raw-" + i) - sent[i]) / 1e6;
    }
    print(report, String.format("mock baseline (a) N=%4d pod creates back to back, create sent -> pod seen", n), raw);

    // (b) the launch's calls, informer -> pool of `threads` -> calls
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long[] trigger = new long[n];
    SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace(ns).withLabel("bench-trigger", tag)
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(ConfigMap cm) {
            pool.submit(() -> launchCalls(client, ns, cm));
          }

          @Override
          public void onUpdate(ConfigMap a, ConfigMap b) {}

          @Override
          public void onDelete(ConfigMap cm, boolean unknown) {}
        });
    try {
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        trigger[i] = System.nanoTime();
        client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName(tag + "-t-" + i)
            .addToLabels("bench-trigger", tag).endMetadata().addToData("status", "{}").build()).create();
      }
      double[] shaped = new double[n];
      for (int i = 0; i < n; i++) {
        shaped[i] = (awaitSeen(podSeen, tag + "-t-" + i + "-pod") - trigger[i]) / 1e6;
      }
      double wall = (System.nanoTime() - start) / 1e9;
      print(report, String.format("mock baseline (b) N=%4d launch calls via informer + %d threads, trigger sent -> pod seen (%.1f/s)",
          n, threads, n / wall), shaped);
    } finally {
      informer.close();
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** What the operator's launching reconcile sends, in its order, with objects of about the same size. */
  private static void launchCalls(KubernetesClient client, String ns, ConfigMap trigger) {
    String name = trigger.getMetadata().getName();
    client.leases().inNamespace(ns).resource(new LeaseBuilder().withNewMetadata().withName(name + "-lease").endMetadata()
        .withNewSpec().withHolderIdentity(name).endSpec().build()).create();
    client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName(name + "-config").endMetadata()
        .addToData("deployment.yaml", "y".repeat(1200)).addToData("run.yaml", "r".repeat(400)).build()).create();
    client.pods().inNamespace(ns).resource(pod(name + "-pod")).create();
    trigger.getData().put("status", "z".repeat(1800)); // the status write of a launched run, about this size
    client.configMaps().inNamespace(ns).resource(trigger).update();
    client.v1().events().inNamespace(ns).resource(new EventBuilder().withNewMetadata().withName(name + ".launch").endMetadata()
        .withNewInvolvedObject().withKind("ConfigMap").withName(name).withNamespace(ns).endInvolvedObject()
        .withType("Normal").withReason("Bench").withMessage("created; started; layer started").build()).create();
  }

  /** About the size of a driver pod (env, volumes, security context). */
  static Pod pod(String name) {
    PodBuilder b = new PodBuilder().withNewMetadata().withName(name).addToLabels("app.kubernetes.io/managed-by", "bench")
        .addToLabels("overwatch.dev/component", "driver").endMetadata()
        .withNewSpec().withRestartPolicy("Never").withServiceAccountName("bench")
        .addNewContainer().withName("driver").withImage("example/overwatch-spark:bench")
        .withArgs("run", "--deployment", "/etc/overwatch/deployment.yaml", "--layer", "bronze")
        .withNewSecurityContext().withRunAsNonRoot(true).withReadOnlyRootFilesystem(true).withAllowPrivilegeEscalation(false).endSecurityContext()
        .endContainer().endSpec();
    for (int i = 0; i < 12; i++) {
      b.editSpec().editFirstContainer().addNewEnv().withName("OVERWATCH_SETTING_" + i).withValue("value-" + i).endEnv().endContainer().endSpec();
    }
    return b.build();
  }

  private static long awaitSeen(Map<String, Long> seen, String name) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!seen.containsKey(name)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("pod " + name + " never seen");
      }
      Thread.sleep(2);
    }
    return seen.get(name);
  }

  private static void print(List<String> report, String what, double[] ms) {
    double[] s = Arrays.stream(ms).sorted().toArray();
    report.add(String.format("%s: p50=%8.1f ms  p99=%8.1f ms  max=%8.1f ms", what,
        LaunchLatencyBenchmark.pct(s, 50), LaunchLatencyBenchmark.pct(s, 99), s[s.length - 1]));
  }
}
