package dev.overwatch.operator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The benchmark's indexed dispatcher answers a CRUD script exactly as Fabric8's stock dispatcher does. */
class IndexedCrudDispatcherTest {
  @Test
  void answersAsTheStockDispatcher() {
    List<String> stock = script(new KubernetesCrudDispatcher());
    List<String> indexed = script(new IndexedCrudDispatcher());
    assertEquals(stock, indexed);
    // the script saw what it should (so equal lists are not two empty or two failed runs)
    assertEquals(List.of("get a/cm-1 v1", "get b/cm-1 v2", "get a/missing null", "create a/cm-1 again 409", "get a/cm-1 v3",
        "get a/cm-1 labels {k=x}", "list a k=x [cm-1]", "get pod a/p-1 Running", "get a/cm-1 null", "create a/cm-1 v4", "get a/cm-1 v4",
        "get b/cm-1 v2"), stock);
  }

  private static List<String> script(KubernetesCrudDispatcher crud) {
    KubernetesMockServer server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), new HashMap<>(), crud, false);
    server.init();
    List<String> seen = new ArrayList<>();
    try (KubernetesClient client = server.createClient()) {
      client.configMaps().inNamespace("a").resource(cm("cm-1", "v1")).create();
      client.configMaps().inNamespace("b").resource(cm("cm-1", "v2")).create();
      seen.add("get a/cm-1 " + value(client, "a", "cm-1"));
      seen.add("get b/cm-1 " + value(client, "b", "cm-1"));
      seen.add("get a/missing " + value(client, "a", "missing"));
      seen.add("create a/cm-1 again " + code(() -> client.configMaps().inNamespace("a").resource(cm("cm-1", "x")).create()));
      client.configMaps().inNamespace("a").withName("cm-1").edit(c -> new ConfigMapBuilder(c).addToData("v", "v3").build()); // PUT
      seen.add("get a/cm-1 " + value(client, "a", "cm-1"));
      client.configMaps().inNamespace("a").withName("cm-1").edit(c -> new ConfigMapBuilder(c).editMetadata().addToLabels("k", "x").endMetadata().build());
      seen.add("get a/cm-1 labels " + client.configMaps().inNamespace("a").withName("cm-1").get().getMetadata().getLabels());
      seen.add("list a k=x " + client.configMaps().inNamespace("a").withLabel("k", "x").list().getItems().stream().map(c -> c.getMetadata().getName()).toList());
      client.pods().inNamespace("a").resource(MockServerBaseline.pod("p-1")).create();
      client.pods().inNamespace("a").withName("p-1").editStatus(p -> { // status subresource (PUT .../status)
        p.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running").build());
        return p;
      });
      Pod p = client.pods().inNamespace("a").withName("p-1").get();
      seen.add("get pod a/p-1 " + p.getStatus().getPhase());
      client.configMaps().inNamespace("a").withName("cm-1").delete();
      seen.add("get a/cm-1 " + value(client, "a", "cm-1"));
      client.configMaps().inNamespace("a").resource(cm("cm-1", "v4")).create();
      seen.add("create a/cm-1 " + value(client, "a", "cm-1"));
      seen.add("get a/cm-1 " + value(client, "a", "cm-1"));
      seen.add("get b/cm-1 " + value(client, "b", "cm-1"));
    } finally {
      server.destroy();
    }
    return seen;
  }

  private static ConfigMap cm(String name, String v) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().addToData("v", v).build();
  }

  private static String value(KubernetesClient client, String ns, String name) {
    ConfigMap c = client.configMaps().inNamespace(ns).withName(name).get();
    return c == null ? "null" : c.getData().get("v");
  }

  private static int code(Supplier<?> call) {
    try {
      call.get();
      return 0;
    } catch (KubernetesClientException e) {
      return e.getCode();
    }
  }
}
