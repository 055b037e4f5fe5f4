package dev.overwatch.operator;

import static dev.overwatch.operator.OperatorTestSupport.TIMEOUT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchRun;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The manifests under examples/kubernetes are what users copy: they must be Ready as written and launch a run. */
@QuarkusTest
@WithKubernetesTestServer
class ExamplesTest {
  private static final Path EXAMPLES = OperatorTestSupport.REPO.resolve("examples/kubernetes");
  private static final String NS = "analytics";

  @Inject
  KubernetesClient client;

  @Test
  void exampleDeploymentIsReadyAndItsRunLaunchesABronzeDriver() throws Exception {
    OperatorTestSupport.installCrds(client);
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).createOr(c -> c.update());
    // The Secrets the example's comments tell users to create.
    secret("databricks-prod", Map.of("token", "dapi-example"));
    secret("overwatch-s3", Map.of("access-key", "AKIAEXAMPLE", "secret-key", "example"));
    secret("overwatch-metastore", Map.of("password", "example"));

    OverwatchDeployment deployment = client.resources(OverwatchDeployment.class)
        .load(EXAMPLES.resolve("deployment.yaml").toFile()).item();
    client.resource(deployment).create();
    OverwatchDeployment ready = await().atMost(TIMEOUT)
        .until(() -> client.resources(OverwatchDeployment.class).inNamespace(NS).withName("prod").get(), RunReconciler::isReady);
    Condition readyCondition = Conditions.get(ready.getStatus().conditions, "Ready").orElseThrow();
    assertEquals("True", readyCondition.getStatus(), readyCondition.getMessage());

    OverwatchRun run = client.resources(OverwatchRun.class).load(EXAMPLES.resolve("run.yaml").toFile()).item();
    OverwatchRun created = client.resource(run).create();
    String name = created.getMetadata().getName();
    Pod driver = await().atMost(TIMEOUT).until(() -> client.pods().inNamespace(NS).withLabel("overwatch.dev/run", name).list().getItems(),
        pods -> !pods.isEmpty()).get(0);
    assertEquals("bronze", driver.getMetadata().getLabels().get("overwatch.dev/layer"));
    List<String> secretEnv = driver.getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
        .map(e -> e.getValueFrom().getSecretKeyRef().getName()).toList();
    // Credentials reach the pod as references to the Secrets, never as values.
    assertFalse(secretEnv.isEmpty());
    assertTrue(secretEnv.containsAll(List.of("databricks-prod", "overwatch-s3", "overwatch-metastore")), secretEnv.toString());
  }

  private void secret(String name, Map<String, String> data) {
    client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
        .withStringData(data).build()).createOr(c -> c.update());
  }
}
