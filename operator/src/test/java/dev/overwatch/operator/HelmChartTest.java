package dev.overwatch.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The chart renders, lints strictly, is least-privilege and ships exactly the generated CRDs. */
class HelmChartTest {
  static final Path CHART = OperatorTestSupport.REPO.resolve("charts/overwatch-operator");

  @Test
  void chartCrdsAreTheGeneratedOnes() throws Exception {
    List<Path> generated;
    try (Stream<Path> s = Files.list(OperatorTestSupport.REPO.resolve("crds"))) {
      generated = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertEquals(2, generated.size());
    for (Path crd : generated) {
      Path copy = CHART.resolve("crds").resolve(crd.getFileName());
      assertTrue(Files.exists(copy), "missing " + copy + ": cp crds/*.yaml charts/overwatch-operator/crds/");
      assertEquals(Files.readString(crd), Files.readString(copy), copy + " differs from crds/: cp crds/*.yaml charts/overwatch-operator/crds/");
    }
  }

  @Test
  void lintsStrictly() {
    LintResult lint = new Helm(CHART).lint().strict().call();
    assertFalse(lint.isFailed(), String.join("\n", lint.getMessages()));
  }

  @Test
  void rendersARestrictedOperatorWithClusterWideRbacByDefault() {
    List<HasMetadata> objects = render(new Helm(CHART).template().withName("ow").withNamespace("overwatch-system").call());
    Deployment d = one(objects, Deployment.class);
    var pod = d.getSpec().getTemplate().getSpec();
    var c = pod.getContainers().get(0);
    assertTrue(pod.getSecurityContext().getRunAsNonRoot());
    assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
    assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem());
    assertFalse(c.getSecurityContext().getAllowPrivilegeEscalation());
    assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
    assertEquals("/q/health/live", c.getLivenessProbe().getHttpGet().getPath());
    assertEquals("/q/health/ready", c.getReadinessProbe().getHttpGet().getPath());
    assertFalse(pod.getEnableServiceLinks());
    ClusterRole role = one(objects, ClusterRole.class);
    assertNoWildcards(role.getRules());
    // Secrets: existence checks and the runs' own Spark authentication Secrets; never list/watch (no bulk reads)
    assertEquals(List.of("get", "create"), role.getRules().stream().filter(r -> r.getResources().contains("secrets")).findFirst().orElseThrow().getVerbs());
    // blockOwnerDeletion on clusters that enforce owner-reference permissions
    assertEquals(List.of("update"), role.getRules().stream().filter(r -> r.getResources().contains("overwatchruns/finalizers")
        && r.getResources().contains("overwatchdeployments/finalizers")).findFirst().orElseThrow().getVerbs());
    // the safe security defaults reach the operator
    Map<String, String> env = c.getEnv().stream().filter(e -> e.getValue() != null).collect(Collectors.toMap(e -> e.getName(), e -> e.getValue()));
    assertEquals("false", env.get("OVERWATCH_ALLOW_HOST_PATH"));
    assertEquals("false", env.get("OVERWATCH_ALLOW_INSECURE_URLS"));
    assertEquals("restricted", env.get("OVERWATCH_SECRET_REFERENCES"));
    assertTrue(objects.stream().noneMatch(o -> "ServiceMonitor".equals(o.getKind())), "ServiceMonitor is opt-in");
  }

  @Test
  void anOptionalServiceMonitorScrapesTheMetricsService() {
    List<HasMetadata> objects = render(new Helm(CHART).template().withName("ow").withNamespace("overwatch-system")
        .set("metrics.serviceMonitor.enabled", true).set("metrics.serviceMonitor.labels.release", "prom").call());
    HasMetadata sm = objects.stream().filter(o -> "ServiceMonitor".equals(o.getKind())).findFirst().orElseThrow();
    assertEquals("prom", sm.getMetadata().getLabels().get("release"));
    String yaml = Serialization.asYaml(sm);
    assertTrue(yaml.contains("path: \"/q/metrics\"") || yaml.contains("path: /q/metrics"), yaml);
    Service svc = one(objects, Service.class);
    assertEquals("http", svc.getSpec().getPorts().get(0).getName());
  }

  @Test
  void watchNamespacesGiveNamespacedRolesOnly() {
    List<HasMetadata> objects = render(new Helm(CHART).template().withName("ow").withNamespace("ops")
        .set("watchNamespaces[0]", "team-a").set("watchNamespaces[1]", "team-b").set("replicas", 2).call());
    assertTrue(objects.stream().noneMatch(o -> o instanceof ClusterRole));
    List<String> roleNamespaces = objects.stream().filter(o -> o instanceof Role).map(o -> o.getMetadata().getNamespace()).sorted().toList();
    assertEquals(List.of("ops", "team-a", "team-b"), roleNamespaces);
    objects.stream().filter(o -> o instanceof Role).forEach(r -> assertNoWildcards(((Role) r).getRules()));
    Deployment d = one(objects, Deployment.class);
    assertEquals(2, d.getSpec().getReplicas());
    assertEquals("team-a,team-b", d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals("WATCH_NAMESPACES")).findFirst().orElseThrow().getValue());
  }

  @Test
  void valuesSchemaRejectsNonsense() {
    // The same chart renders with sane values, so a failure below is the schema's doing, and its message says which value.
    new Helm(CHART).template().withName("ow").set("replicas", 1).call();
    String replicas = assertThrows(RuntimeException.class, () -> new Helm(CHART).template().withName("ow").set("replicas", 0).call()).getMessage();
    assertTrue(replicas.contains("schema") && replicas.contains("replicas"), replicas);
    String unknown = assertThrows(RuntimeException.class, () -> new Helm(CHART).template().withName("ow").set("unknownKey", "x").call()).getMessage();
    assertTrue(unknown.contains("schema") && unknown.contains("unknownKey"), unknown);
  }

  static void assertNoWildcards(List<PolicyRule> rules) {
    for (PolicyRule r : rules) {
      assertFalse(r.getVerbs().contains("*") || r.getResources().contains("*") || r.getApiGroups().contains("*"), r.toString());
    }
  }

  static List<HasMetadata> render(String yaml) {
    Object parsed = Serialization.unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    @SuppressWarnings("unchecked")
    List<HasMetadata> list = parsed instanceof List<?> l ? (List<HasMetadata>) l : List.of((HasMetadata) parsed);
    return list;
  }

  static <T> T one(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow(() -> new AssertionError("no " + type.getSimpleName()));
  }
}
