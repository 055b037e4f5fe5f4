package dev.overwatch.operator.bench;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.internal.MockDispatcher;
import io.fabric8.mockwebserver.internal.SimpleRequest;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.quarkus.test.kubernetes.client.AbstractKubernetesTestResource;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import java.lang.annotation.Annotation;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * The benchmark's API server: Fabric8's {@link KubernetesMockServer} in CRUD mode, as the tests'
 * {@code @WithKubernetesTestServer} starts it, with the CRUD dispatcher chosen by
 * {@code -Dbench.mockServer}: {@code stock} (Fabric8's {@link KubernetesCrudDispatcher}, what every
 * test uses) or {@code indexed} ({@link IndexedCrudDispatcher}). Expectations (the server's own
 * {@code /} and {@code /version}) are served first, as Fabric8's mixed dispatcher does.
 */
public class BenchMockServer extends AbstractKubernetesTestResource<KubernetesMockServer, NamespacedKubernetesClient> {
  static String kind() {
    return System.getProperty("bench.mockServer", "stock");
  }

  @Override
  protected KubernetesMockServer createServer() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    KubernetesCrudDispatcher crud = switch (kind()) {
      case "stock" -> new KubernetesCrudDispatcher();
      case "indexed" -> new IndexedCrudDispatcher();
      default -> throw new IllegalArgumentException("bench.mockServer: stock or indexed, not " + kind());
    };
    MockDispatcher expectations = new MockDispatcher(responses);
    Dispatcher mixed = new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        Queue<ServerResponse> q = responses.get(new SimpleRequest(HttpMethod.valueOf(request.getMethod()), request.getPath()));
        return q != null && !q.isEmpty() ? expectations.dispatch(request) : crud.dispatch(request);
      }
    };
    return new KubernetesMockServer(new io.fabric8.mockwebserver.Context(Serialization.jsonMapper()), new MockWebServer(), responses, mixed, useHttps());
  }

  @Override
  protected void initServer() {
    server.init();
  }

  @Override
  protected NamespacedKubernetesClient getClient() {
    return server.createClient();
  }

  @Override
  public void stop() {
    if (server != null) {
      server.destroy();
    }
  }

  @Override
  protected Class<?> getInjectedClass() {
    return KubernetesMockServer.class;
  }

  @Override
  protected Class<? extends Annotation> getInjectionAnnotation() {
    return KubernetesTestServer.class;
  }
}
