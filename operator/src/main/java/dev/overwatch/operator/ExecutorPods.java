package dev.overwatch.operator;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.SparkSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The executor pod template the driver hands to Spark's Kubernetes backend
 * ({@code spark.kubernetes.executor.podTemplateFile}): what the deployment's pod template says about
 * env, volumes, scheduling and pull secrets, plus the restricted security context. Spark adds image,
 * args, resources, its own env and local-dir volumes on top, and the driver pod as owner.
 */
public final class ExecutorPods {
  /** Key of the template in the run ConfigMap, mounted with it under {@link Resources#CONFIG_DIR}. */
  public static final String TEMPLATE_KEY = "executor-pod-template.yaml";
  public static final String TEMPLATE_FILE = Resources.CONFIG_DIR + "/" + TEMPLATE_KEY;
  public static final String CONTAINER = "executor";

  private ExecutorPods() {}

  static boolean enabled(OverwatchDeployment d) {
    SparkSpec spark = d.getSpec().spark;
    return spark != null && spark.executors != null && spark.executors > 0;
  }

  /** Spark settings that point the driver at the template (only when the deployment has executors). */
  static Map<String, String> sparkConf() {
    return Map.of(
        "spark.kubernetes.executor.podTemplateFile", TEMPLATE_FILE,
        "spark.kubernetes.executor.podTemplateContainerName", CONTAINER,
        // Executors only connect to the driver; they never call the API server.
        "spark.kubernetes.executor.deleteOnTermination", "true");
  }

  /** Spark's environment variable for the RPC secret, read before any secret file (SecurityManager). */
  static final String AUTH_SECRET_ENV = "_SPARK_AUTH_SECRET";

  /** The template for the executors of one run: its Spark RPC secret is referenced from the run's Secret. */
  public static Pod template(OverwatchDeployment d, String run) {
    SparkSpec spark = d.getSpec().spark == null ? new SparkSpec() : d.getSpec().spark;
    PodTemplateSpec template = spark.podTemplate == null ? new PodTemplateSpec() : spark.podTemplate;
    ObjectMeta tmeta = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
    PodSpec tspec = template.getSpec() == null ? new PodSpec() : template.getSpec();
    Container tcontainer = tspec.getContainers() == null || tspec.getContainers().isEmpty() ? new Container() : tspec.getContainers().get(0);

    Map<String, String> labels = new LinkedHashMap<>(tmeta.getLabels() == null ? Map.of() : tmeta.getLabels());
    labels.put(Names.MANAGED_BY, Names.MANAGED_BY_VALUE);
    labels.put(Names.COMPONENT, CONTAINER);
    labels.put(Names.DEPLOYMENT, Names.labelValue(d.getMetadata().getName()));

    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVarBuilder().withName("HOME").withValue("/tmp").build());
    // Any Spark image works: no k8s:// master needed in the executor to find the secret (decision 700).
    env.add(new EnvVarBuilder().withName(AUTH_SECRET_ENV).withNewValueFrom()
        .withNewSecretKeyRef(Resources.SPARK_AUTH_ENV_KEY, Names.sparkAuthSecret(run), false).endValueFrom().build());
    if (tcontainer.getEnv() != null) {
      env.addAll(tcontainer.getEnv());
    }
    List<Volume> volumes = new ArrayList<>(List.of(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build()));
    List<VolumeMount> mounts = new ArrayList<>(List.of(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build()));
    // Executors write table files too, so a PVC-backed prefix is mounted where the driver has it.
    PodParts.addStorageAndTemplateVolumes(d, tspec, tcontainer, volumes, mounts);

    Container executor = new ContainerBuilder()
        .withName(CONTAINER)
        .withImagePullPolicy(tcontainer.getImagePullPolicy())
        .withEnv(env)
        .withEnvFrom(tcontainer.getEnvFrom())
        .withVolumeMounts(mounts)
        .withSecurityContext(PodParts.containerSecurity())
        .build();

    PodSpec spec = PodParts.scheduling(new PodSpecBuilder(), tspec)
        .withEnableServiceLinks(false)
        .withServiceAccountName(Names.workloadServiceAccount(d.getMetadata().getName()))
        // Executors only talk to the driver, never to the API server.
        .withAutomountServiceAccountToken(false)
        .withSecurityContext(PodParts.podSecurity())
        .withVolumes(volumes)
        .withContainers(executor)
        .build();
    return new PodBuilder()
        .withNewMetadata().withLabels(labels).withAnnotations(tmeta.getAnnotations()).endMetadata()
        .withSpec(spec)
        .build();
  }
}
