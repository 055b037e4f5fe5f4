package dev.overwatch.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchRun;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecutorPodsTest {
  @Test
  void podTemplateAndRestrictedSecurityReachExecutors() {
    OverwatchDeployment d = Fixtures.deployment("prod");
    d.getSpec().spark.executors = 2;
    d.getSpec().spark.podTemplate = new PodTemplateSpecBuilder()
        .withNewMetadata().addToLabels("team", "data").endMetadata()
        .withNewSpec()
          .addToNodeSelector("pool", "spark")
          .addNewToleration().withKey("spark").withOperator("Exists").endToleration()
          .addNewImagePullSecret("registry-cred")
          .addNewVolume().withName("certs").withNewSecret().withSecretName("ca").endSecret().endVolume()
          .addNewContainer().withName("spark")
            .addNewEnv().withName("AWS_ACCESS_KEY_ID").withNewValueFrom().withNewSecretKeyRef("access-key", "s3", false).endValueFrom().endEnv()
            .addNewVolumeMount().withName("certs").withMountPath("/etc/certs").endVolumeMount()
          .endContainer()
        .endSpec().build();
    OverwatchRun run = Fixtures.startedRun("r1", "prod");

    ConfigMap cm = Resources.runConfigMap(d, run);
    Pod template = Serialization.unmarshal(cm.getData().get(ExecutorPods.TEMPLATE_KEY), Pod.class);
    assertEquals(ExecutorPods.template(d, "r1"), template, "the ConfigMap carries the builder's template");
    assertEquals("data", template.getMetadata().getLabels().get("team"));
    assertEquals("executor", template.getMetadata().getLabels().get(Names.COMPONENT));
    assertEquals("spark", template.getSpec().getNodeSelector().get("pool"));
    assertEquals("spark", template.getSpec().getTolerations().get(0).getKey());
    assertEquals("registry-cred", template.getSpec().getImagePullSecrets().get(0).getName());
    assertFalse(template.getSpec().getAutomountServiceAccountToken(), "executors never call the API server");
    assertEquals(185L, template.getSpec().getSecurityContext().getRunAsUser());
    Container c = template.getSpec().getContainers().get(0);
    assertEquals(ExecutorPods.CONTAINER, c.getName());
    assertTrue(c.getEnv().stream().anyMatch(e -> e.getName().equals("AWS_ACCESS_KEY_ID")
        && e.getValue() == null && e.getValueFrom().getSecretKeyRef().getName().equals("s3")), "secret referenced, not copied");
    // Spark's RPC secret from the run's Secret, in the form Spark derives from the driver's file
    assertTrue(c.getEnv().stream().anyMatch(e -> e.getName().equals("_SPARK_AUTH_SECRET") && e.getValue() == null
        && e.getValueFrom().getSecretKeyRef().getName().equals("r1-spark-auth")
        && e.getValueFrom().getSecretKeyRef().getKey().equals(Resources.SPARK_AUTH_ENV_KEY)), c.getEnv().toString());
    assertTrue(template.getSpec().getVolumes().stream().anyMatch(v -> v.getName().equals("certs")));
    assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/etc/certs")));
    assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/tmp")), "writable /tmp on a read-only root");
    assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem());
    assertFalse(c.getSecurityContext().getAllowPrivilegeEscalation());
    assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
    assertEquals("RuntimeDefault", c.getSecurityContext().getSeccompProfile().getType());

    List<String> cmd = Resources.driverPod(new Resources.Launch(d, run, "bronze", 1, "img")).getSpec().getContainers().get(0).getCommand();
    assertTrue(cmd.contains("spark.kubernetes.executor.podTemplateFile=" + ExecutorPods.TEMPLATE_FILE));
    assertTrue(cmd.contains("spark.kubernetes.executor.podTemplateContainerName=executor"));
  }

  @Test
  void localModeHasNoExecutorTemplate() {
    OverwatchDeployment d = Fixtures.deployment("prod");
    d.getSpec().spark.executors = 0;
    OverwatchRun run = Fixtures.startedRun("r1", "prod");
    assertFalse(Resources.runConfigMap(d, run).getData().containsKey(ExecutorPods.TEMPLATE_KEY));
    List<String> cmd = Resources.driverPod(new Resources.Launch(d, run, "bronze", 1, "img")).getSpec().getContainers().get(0).getCommand();
    assertTrue(cmd.stream().noneMatch(a -> a.startsWith("spark.kubernetes.executor.podTemplateFile")));
  }
}
