package dev.overwatch.operator;

import static dev.overwatch.operator.OperatorTestSupport.TIMEOUT;
import static dev.overwatch.operator.OperatorTestSupport.deployment;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.SecretKeyRef;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Least privilege, with the production defaults (restricted Secret references, no hostPath, https
 * only): what a deployment may not make the operator do is refused with a Ready=False condition.
 */
@QuarkusTest
@WithKubernetesTestServer
@TestProfile(SecurityTest.ProductionDefaults.class)
class SecurityTest extends OperatorTestSupport.WithCrds {
  public static class ProductionDefaults implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("overwatch.secret-references", "restricted");
    }
  }

  @BeforeEach
  void tokenSecret() {
    OperatorTestSupport.tokenSecret(client);
  }

  @Test
  void unsafeDeploymentsAreRefusedWithAClearCondition() {
    OverwatchDeployment host = Fixtures.deployment("host");
    host.getSpec().spark.podTemplate = new PodTemplateSpecBuilder().withNewSpec()
        .addNewVolume().withName("root").withNewHostPath().withPath("/").endHostPath().endVolume().endSpec().build();
    client.resource(host).create();
    Condition c = notReady("host");
    assertEquals("ForbiddenVolume", c.getReason());
    assertTrue(c.getMessage().contains("spark.podTemplate volume 'root' has type hostPath"), c.getMessage());

    OverwatchDeployment twins = Fixtures.deployment("twins");
    twins.getSpec().workspaces.add(InvalidResources.workspace("demo_ws"));
    twins.getSpec().workspaces.get(1).tokenSecretRef = new SecretKeyRef("demo-token", "token");
    client.resource(twins).create();
    c = notReady("twins");
    assertEquals("TokenVariableCollision", c.getReason());
    assertTrue(c.getMessage().contains("workspaces 'demo-ws' and 'demo_ws' map to the same token variable OVERWATCH_TOKEN_DEMO_WS"), c.getMessage());
    // neither gets a workload identity
    assertNull(client.serviceAccounts().inNamespace(Fixtures.NS).withName("host-spark").get());
    assertNull(client.serviceAccounts().inNamespace(Fixtures.NS).withName("twins-spark").get());
  }

  @Test
  void onlySecretsMeantForTheDeploymentMayBeReferenced() {
    client.secrets().inNamespace(Fixtures.NS).resource(new SecretBuilder().withNewMetadata().withName("admin-token").endMetadata()
        .addToData("token", Base64.getEncoder().encodeToString("other".getBytes())).build()).create();
    OverwatchDeployment d = Fixtures.deployment("nosy");
    d.getSpec().workspaces.get(0).tokenSecretRef = new SecretKeyRef("admin-token", "token");
    client.resource(d).create();
    Condition c = notReady("nosy");
    assertEquals("SecretNotAllowed", c.getReason());
    assertTrue(c.getMessage().contains("Secret admin-token is not meant for deployment nosy"), c.getMessage());
    // the Secret's owner grants access: the deployment becomes Ready at the next recheck
    client.secrets().inNamespace(Fixtures.NS).withName("admin-token").edit(s -> {
      s.getMetadata().setLabels(Map.of(Names.DEPLOYMENT, "nosy"));
      return s;
    });
    await().atMost(TIMEOUT).until(() -> RunReconciler.isReady(deployment(client, "nosy")));
  }

  @Test
  void aServiceAccountTheOperatorDidNotCreateIsNeverOverwritten() {
    ServiceAccount foreign = new ServiceAccountBuilder().withNewMetadata().withName("taken-spark").withNamespace(Fixtures.NS)
        .withLabels(Map.of("team", "platform")).endMetadata().withAutomountServiceAccountToken(true).build();
    client.resource(foreign).create();
    client.resource(Fixtures.deployment("taken")).create();
    Condition c = notReady("taken");
    assertEquals("ResourceConflict", c.getReason());
    assertTrue(c.getMessage().contains("ServiceAccount taken-spark exists and was not created by this deployment"), c.getMessage());
    ServiceAccount after = client.serviceAccounts().inNamespace(Fixtures.NS).withName("taken-spark").get();
    assertEquals(Map.of("team", "platform"), after.getMetadata().getLabels());
    assertTrue(after.getAutomountServiceAccountToken());
    assertTrue(after.getMetadata().getOwnerReferences() == null || after.getMetadata().getOwnerReferences().isEmpty());
  }

  private Condition notReady(String name) {
    OverwatchDeployment d = await().atMost(TIMEOUT).until(() -> deployment(client, name),
        x -> x.getStatus() != null && Conditions.get(x.getStatus().conditions, "Ready").filter(r -> "False".equals(r.getStatus())).isPresent());
    return Conditions.get(d.getStatus().conditions, "Ready").orElseThrow();
  }
}
