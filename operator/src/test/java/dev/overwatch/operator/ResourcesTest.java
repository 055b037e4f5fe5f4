package dev.overwatch.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.CatalogSpec;
import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchRun;
import dev.overwatch.api.v1alpha1.SecretKeyRef;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The resource builders are pure functions: tested without any server. */
class ResourcesTest {
  static final String IMAGE = "example/overwatch-spark:test";

  @Test
  void localModeDriverPodFollowsThePodContract() {
    OverwatchDeployment d = Fixtures.deployment("prod");
    d.getMetadata().setUid("dep-uid");
    OverwatchRun run = Fixtures.startedRun("nightly", "prod");
    Pod pod = Resources.driverPod(new Resources.Launch(d, run, "silver", 2, IMAGE));

    assertEquals("nightly-silver-2", pod.getMetadata().getName());
    assertEquals(Map.of("app.kubernetes.io/managed-by", "overwatch-operator", "overwatch.dev/component", "driver",
        "overwatch.dev/run", "nightly", "overwatch.dev/deployment", "prod", "overwatch.dev/layer", "silver",
        "overwatch.dev/attempt", "2"), pod.getMetadata().getLabels());
    assertEquals("uid-nightly", pod.getMetadata().getOwnerReferences().get(0).getUid());
    assertTrue(pod.getMetadata().getOwnerReferences().get(0).getController());
    Container c = pod.getSpec().getContainers().get(0);
    assertEquals(List.of("/opt/spark/bin/spark-submit", "--master", "local[*]", "--deploy-mode", "client",
        "--class", "dev.overwatch.jobs.cli.OverwatchJob", "--driver-memory", "2g", "--conf", "spark.app.name=overwatch-silver",
        "local:///opt/overwatch/overwatch-spark-jobs.jar", "run", "--deployment", "/etc/overwatch/deployment.yaml",
        "--run", "/etc/overwatch/run.yaml", "--layer", "silver", "--summary-file", "/dev/termination-log"), c.getCommand());
    assertEquals(IMAGE, c.getImage());
    assertEquals("Never", pod.getSpec().getRestartPolicy());
    assertFalse(pod.getSpec().getEnableServiceLinks());
    assertFalse(pod.getSpec().getAutomountServiceAccountToken(), "local mode needs no API access");
    assertEquals("prod-spark", pod.getSpec().getServiceAccountName());
    // restricted security context
    assertTrue(c.getSecurityContext().getRunAsNonRoot());
    assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem());
    assertFalse(c.getSecurityContext().getAllowPrivilegeEscalation());
    assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
    assertEquals("RuntimeDefault", pod.getSpec().getSecurityContext().getSeccompProfile().getType());
    // secrets as secretKeyRef env, never values
    EnvVar token = c.getEnv().stream().filter(e -> e.getName().equals("OVERWATCH_TOKEN_DEMO_WS")).findFirst().orElseThrow();
    assertEquals("demo-token", token.getValueFrom().getSecretKeyRef().getName());
    assertEquals("token", token.getValueFrom().getSecretKeyRef().getKey());
    assertEquals(null, token.getValue());
    // resources: 2g + max(384Mi, 10%)
    assertEquals("2432Mi", c.getResources().getLimits().get("memory").toString());
    assertEquals("/etc/overwatch", c.getVolumeMounts().get(0).getMountPath());
    assertEquals("nightly-overwatch", pod.getSpec().getVolumes().get(0).getConfigMap().getName());
  }

  @Test
  void executorsUseSparksKubernetesSchedulerWithTheDriverAsOwner() {
    OverwatchDeployment d = Fixtures.deployment("prod");
    d.getSpec().spark.executors = 3;
    d.getSpec().spark.sparkConf.put("spark.sql.shuffle.partitions", "8");
    d.getSpec().catalog = new CatalogSpec();
    d.getSpec().catalog.type = CatalogSpec.CatalogType.jdbc;
    d.getSpec().catalog.jdbc = new CatalogSpec.JdbcCatalogSpec();
    d.getSpec().catalog.jdbc.passwordSecretRef = new SecretKeyRef("pg", "password");
    OverwatchRun run = Fixtures.startedRun("r1", "prod");
    Pod pod = Resources.driverPod(new Resources.Launch(d, run, "bronze", 1, IMAGE));
    List<String> cmd = pod.getSpec().getContainers().get(0).getCommand();
    assertEquals("k8s://https://kubernetes.default.svc", cmd.get(cmd.indexOf("--master") + 1));
    assertEquals("client", cmd.get(cmd.indexOf("--deploy-mode") + 1));
    assertTrue(cmd.contains("spark.kubernetes.driver.pod.name=r1-bronze-1"));
    assertTrue(cmd.contains("spark.executor.instances=3"));
    assertTrue(cmd.contains("spark.sql.shuffle.partitions=8"));
    assertTrue(cmd.contains("spark.driver.host=$(OVERWATCH_POD_IP)"));
    assertTrue(pod.getSpec().getAutomountServiceAccountToken());
    assertTrue(pod.getSpec().getContainers().get(0).getEnv().stream()
        .anyMatch(e -> e.getName().equals("OVERWATCH_CATALOG_PASSWORD") && e.getValueFrom().getSecretKeyRef().getName().equals("pg")));
    // authenticated, encrypted driver <-> executor RPC; the secret is a file from the run's Secret, never a value
    assertTrue(cmd.containsAll(List.of("spark.authenticate=true", "spark.network.crypto.enabled=true",
        "spark.authenticate.secret.file=/etc/overwatch-spark-auth/secret")), cmd.toString());
    // executors take it from their environment (ExecutorPods), not from a mounted file
    assertTrue(cmd.stream().noneMatch(a -> a.startsWith("spark.kubernetes.executor.secrets.")), cmd.toString());
    assertTrue(cmd.stream().noneMatch(a -> a.startsWith("spark.authenticate.secret=")));
    assertEquals("r1-spark-auth", pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals("spark-auth")).findFirst().orElseThrow()
        .getSecret().getSecretName());
    assertTrue(pod.getSpec().getContainers().get(0).getVolumeMounts().stream()
        .anyMatch(m -> m.getMountPath().equals("/etc/overwatch-spark-auth") && m.getReadOnly()));
    var secret = Resources.sparkAuthSecret(run, new byte[] {1, 2, (byte) 255});
    assertEquals("uid-r1", secret.getMetadata().getOwnerReferences().get(0).getUid());
    assertTrue(secret.getImmutable());
    assertEquals("0102ff", new String(java.util.Base64.getDecoder().decode(secret.getData().get("secret"))));
    // the executors' form is what Spark derives from the file: base64 of its bytes
    assertEquals(java.util.Base64.getEncoder().encodeToString("0102ff".getBytes()),
        new String(java.util.Base64.getDecoder().decode(secret.getData().get(Resources.SPARK_AUTH_ENV_KEY))));
    // local mode needs none of it
    OverwatchDeployment local = Fixtures.deployment("prod");
    List<String> localCmd = Resources.driverCommand(new Resources.Launch(local, run, "bronze", 1, IMAGE));
    assertTrue(localCmd.stream().noneMatch(a -> a.startsWith("spark.authenticate")));
  }

  @Test
  void podTemplateIsMergedIntoTheDriver() {
    OverwatchDeployment d = Fixtures.deployment("prod");
    d.getSpec().spark.podTemplate = new PodTemplateSpecBuilder()
        .withNewMetadata().addToLabels("team", "data").endMetadata()
        .withNewSpec().addToNodeSelector("pool", "spark").addNewToleration().withKey("spark").withOperator("Exists").endToleration()
          .addNewContainer().withName("x").addNewEnv().withName("EXTRA").withValue("1").endEnv().endContainer()
        .endSpec().build();
    d.getSpec().storage.volume = "overwatch-data";
    Pod pod = Resources.driverPod(new Resources.Launch(d, Fixtures.startedRun("r", "prod"), "gold", 1, IMAGE));
    assertEquals("data", pod.getMetadata().getLabels().get("team"));
    assertEquals("driver", pod.getMetadata().getLabels().get("overwatch.dev/component"));
    assertEquals(Map.of("pool", "spark"), pod.getSpec().getNodeSelector());
    assertEquals("spark", pod.getSpec().getTolerations().get(0).getKey());
    assertTrue(pod.getSpec().getContainers().get(0).getEnv().stream().anyMatch(e -> e.getName().equals("EXTRA")));
    assertTrue(pod.getSpec().getVolumes().stream().anyMatch(v -> v.getPersistentVolumeClaim() != null
        && v.getPersistentVolumeClaim().getClaimName().equals("overwatch-data")));
    assertTrue(pod.getSpec().getContainers().get(0).getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/data/overwatch")));
  }

  @Test
  void configMapCarriesCompleteResourcesWithRunIdAndSnapshot() {
    OverwatchDeployment d = Fixtures.deployment("prod");
    OverwatchRun run = Fixtures.startedRun("r", "prod");
    run.getSpec().includeModules = List.of(1004);
    ConfigMap cm = Resources.runConfigMap(d, run);
    assertEquals("r-overwatch", cm.getMetadata().getName());
    assertTrue(cm.getImmutable());
    OverwatchRun parsed = Serialization.unmarshal(cm.getData().get("run.yaml"), OverwatchRun.class);
    assertEquals("overwatch.dev/v1alpha1", parsed.getApiVersion());
    assertEquals("OverwatchRun", parsed.getKind());
    assertEquals("0123456789abcdef0123456789abcdef", parsed.getStatus().runId);
    assertEquals("2026-11-05T00:00:00Z", parsed.getStatus().snapshotTime);
    assertEquals(List.of(1004), parsed.getSpec().includeModules);
    OverwatchDeployment dep = Serialization.unmarshal(cm.getData().get("deployment.yaml"), OverwatchDeployment.class);
    assertEquals("OverwatchDeployment", dep.getKind());
    assertEquals("/data/overwatch", dep.getSpec().storage.prefix);
  }

  @Test
  void workloadRbacIsNamespacedAndMinimal() {
    OverwatchDeployment d = Fixtures.deployment("prod");
    Role role = Resources.workloadRole(d);
    assertEquals("test", role.getMetadata().getNamespace());
    assertEquals(Map.of("pods", List.of("create", "get", "list", "watch", "delete", "deletecollection"),
            "configmaps", List.of("create", "get", "list", "watch", "delete", "deletecollection"),
            "services", List.of("create", "get", "list", "watch", "delete", "deletecollection")),
        role.getRules().stream().flatMap(r -> r.getResources().stream().map(res -> Map.entry(res, r.getVerbs())))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    assertEquals("prod-spark", Resources.workloadRoleBinding(d).getSubjects().get(0).getName());
    assertFalse(Resources.workloadServiceAccount(d).getAutomountServiceAccountToken());
  }

  @Test
  void namesAreDeterministicAndBounded() {
    String longRun = "a".repeat(80);
    String pod = Names.driverPod(longRun, "presentation", 3);
    assertTrue(pod.length() <= 63, pod);
    assertTrue(pod.endsWith("-presentation-3"));
    assertEquals(pod, Names.driverPod(longRun, "presentation", 3));
    assertEquals("OVERWATCH_TOKEN_MY_WS_1", Names.tokenEnv("my-ws.1"));
    assertTrue(Names.labelValue(longRun).length() <= 63);
  }

  @Test
  void summaryParsingIsLenientAndBounded() {
    String json = "{\"runId\":\"abc\",\"layer\":\"bronze\",\"snapshotTime\":\"2026-11-05T00:00:00Z\",\"status\":\"SUCCEEDED\","
        + "\"extra\":{\"x\":1},\"modules\":[{\"id\":1004,\"name\":\"Bronze_AuditLogs\",\"workspace\":\"demo\",\"status\":\"SUCCESS\","
        + "\"fromTS\":\"a\",\"untilTS\":\"b\",\"rows\":123,\"quarantined\":0,\"newField\":true},{\"id\":\"x\",\"rows\":\"many\"}],\"truncated\":false}";
    DriverSummary s = DriverSummary.parse(json).orElseThrow();
    assertEquals("SUCCEEDED", s.status());
    assertEquals(2, s.modules().size());
    assertEquals(1004, s.modules().get(0).id);
    assertEquals(123L, s.modules().get(0).rows);
    assertEquals(null, s.modules().get(1).id);
    assertEquals(123L, s.rowsWritten());
    assertTrue(DriverSummary.parse("not json").isEmpty());
    assertTrue(DriverSummary.parse("[1,2]").isEmpty());
    assertTrue(DriverSummary.parse("").isEmpty());
    StringBuilder many = new StringBuilder("{\"modules\":[");
    for (int i = 0; i < 300; i++) {
      many.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"name\":\"").append("n".repeat(400)).append("\"}");
    }
    DriverSummary big = DriverSummary.parse(many.append("]}").toString()).orElseThrow();
    assertEquals(200, big.modules().size());
    assertTrue(big.truncated());
    assertEquals(256, big.modules().get(0).name.length());
  }

  @Test
  void podMemoryAddsSparkOverhead() {
    assertEquals("896Mi", Resources.podMemory("512m"));
    assertEquals("11264Mi", Resources.podMemory("10g"));
  }
}
