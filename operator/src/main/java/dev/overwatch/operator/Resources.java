package dev.overwatch.operator;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchRun;
import dev.overwatch.api.v1alpha1.OverwatchRunStatus;
import dev.overwatch.api.v1alpha1.SparkSpec;
import dev.overwatch.api.v1alpha1.WorkspaceSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Pure functions from custom resources to the Kubernetes objects the operator creates. */
public final class Resources {
  public static final String CONFIG_DIR = "/etc/overwatch";
  public static final String JOB_JAR = "local:///opt/overwatch/overwatch-spark-jobs.jar";
  public static final String JOB_CLASS = "dev.overwatch.jobs.cli.OverwatchJob";
  public static final String SPARK_SUBMIT = "/opt/spark/bin/spark-submit";
  public static final String TERMINATION_LOG = "/dev/termination-log";
  public static final String CATALOG_PASSWORD_ENV = "OVERWATCH_CATALOG_PASSWORD";
  /**
   * Where driver and executors read the run's Spark authentication secret (a Secret volume). Not below
   * CONFIG_DIR: a mount point inside a read-only ConfigMap volume cannot be created (runc, and kubelets since
   * ConfigMap volumes became read-only, refuse it), so the pod would never start.
   */
  public static final String SPARK_AUTH_DIR = "/etc/overwatch-spark-auth";
  public static final String SPARK_AUTH_KEY = "secret";
  /**
   * The same secret as Spark derives it from the file (base64 of the file's bytes), for executors' environment:
   * Spark reads a secret file only where spark.master is a k8s:// URL, and executors start without a master.
   */
  public static final String SPARK_AUTH_ENV_KEY = "secret.base64";
  static final String CONTAINER = "driver";

  private Resources() {}

  /** Everything the driver pod of one layer attempt depends on. */
  public record Launch(OverwatchDeployment deployment, OverwatchRun run, String layer, int attempt, String defaultImage) {}

  public static OwnerReference ownerOf(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /** The driver's command line of DESIGN.md section 4. */
  public static List<String> driverCommand(Launch l) {
    SparkSpec spark = l.deployment().getSpec().spark == null ? new SparkSpec() : l.deployment().getSpec().spark;
    int executors = spark.executors == null ? 0 : spark.executors;
    String pod = Names.driverPod(l.run().getMetadata().getName(), l.layer(), l.attempt());
    List<String> cmd = new ArrayList<>(List.of(SPARK_SUBMIT,
        "--master", executors > 0 ? "k8s://https://kubernetes.default.svc" : "local[*]",
        "--deploy-mode", "client",
        "--class", JOB_CLASS,
        "--driver-memory", memory(spark.driver)));
    Map<String, String> conf = new TreeMap<>();
    conf.put("spark.app.name", "overwatch-" + l.layer());
    if (executors > 0) {
      String ns = l.run().getMetadata().getNamespace();
      conf.put("spark.executor.instances", Integer.toString(executors));
      conf.put("spark.executor.memory", memory(spark.executor));
      conf.put("spark.kubernetes.executor.request.cores", spark.executor == null || spark.executor.cpu == null ? "1" : spark.executor.cpu);
      conf.put("spark.kubernetes.namespace", ns);
      // The driver pod owns its executors, so they vanish with it (no orphans after a cancel).
      conf.put("spark.kubernetes.driver.pod.name", pod);
      conf.put("spark.kubernetes.container.image", image(l));
      conf.put("spark.kubernetes.authenticate.driver.serviceAccountName", Names.workloadServiceAccount(l.deployment().getMetadata().getName()));
      conf.put("spark.kubernetes.executor.podNamePrefix", pod);
      conf.put("spark.driver.host", "$(OVERWATCH_POD_IP)");
      conf.put("spark.driver.bindAddress", "0.0.0.0");
      conf.put("spark.kubernetes.executor.label." + Names.RUN, Names.labelValue(l.run().getMetadata().getName()));
      conf.putAll(ExecutorPods.sparkConf());
    }
    if (spark.sparkConf != null) {
      conf.putAll(spark.sparkConf);
    }
    if (executors > 0) {
      // Driver <-> executor RPC is authenticated and encrypted with the run's own secret, read from a
      // mounted Secret on both sides: the value is never in the command line, a ConfigMap or the status.
      // Executors get it as _SPARK_AUTH_SECRET from the same Secret (ExecutorPods.template).
      conf.put("spark.authenticate", "true");
      conf.put("spark.network.crypto.enabled", "true");
      conf.put("spark.authenticate.secret.file", SPARK_AUTH_DIR + "/" + SPARK_AUTH_KEY);
    }
    conf.forEach((k, v) -> {
      cmd.add("--conf");
      cmd.add(k + "=" + v);
    });
    cmd.addAll(List.of(JOB_JAR, "run",
        "--deployment", CONFIG_DIR + "/deployment.yaml",
        "--run", CONFIG_DIR + "/run.yaml",
        "--layer", l.layer(),
        "--summary-file", TERMINATION_LOG));
    return cmd;
  }

  public static Pod driverPod(Launch l) {
    OverwatchDeployment d = l.deployment();
    OverwatchRun run = l.run();
    SparkSpec spark = d.getSpec().spark == null ? new SparkSpec() : d.getSpec().spark;
    int executors = spark.executors == null ? 0 : spark.executors;
    String runName = run.getMetadata().getName();
    String name = Names.driverPod(runName, l.layer(), l.attempt());
    PodTemplateSpec template = spark.podTemplate == null ? new PodTemplateSpec() : spark.podTemplate;
    ObjectMeta tmeta = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
    PodSpec tspec = template.getSpec() == null ? new PodSpec() : template.getSpec();
    Container tcontainer = tspec.getContainers() == null || tspec.getContainers().isEmpty() ? new Container() : tspec.getContainers().get(0);

    Map<String, String> labels = new LinkedHashMap<>(tmeta.getLabels() == null ? Map.of() : tmeta.getLabels());
    labels.putAll(Map.of(Names.MANAGED_BY, Names.MANAGED_BY_VALUE, Names.COMPONENT, Names.DRIVER,
        Names.RUN, Names.labelValue(runName), Names.DEPLOYMENT, Names.labelValue(d.getMetadata().getName()),
        Names.LAYER, l.layer(), Names.ATTEMPT, Integer.toString(l.attempt())));
    Map<String, String> annotations = new LinkedHashMap<>(tmeta.getAnnotations() == null ? Map.of() : tmeta.getAnnotations());
    annotations.put(Names.RUN_UID, run.getMetadata().getUid());

    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVarBuilder().withName("OVERWATCH_POD_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP").endFieldRef().endValueFrom().build());
    env.add(new EnvVarBuilder().withName("SPARK_LOCAL_DIRS").withValue("/tmp/spark").build());
    env.add(new EnvVarBuilder().withName("HOME").withValue("/tmp").build());
    for (WorkspaceSpec w : d.getSpec().workspaces) {
      if (w.tokenSecretRef != null) {
        env.add(secretEnv(Names.tokenEnv(w.name), w.tokenSecretRef.name, w.tokenSecretRef.key));
      }
    }
    var catalog = d.getSpec().catalog;
    if (catalog != null && catalog.jdbc != null && catalog.jdbc.passwordSecretRef != null) {
      env.add(secretEnv(CATALOG_PASSWORD_ENV, catalog.jdbc.passwordSecretRef.name, catalog.jdbc.passwordSecretRef.key));
    }
    if (tcontainer.getEnv() != null) {
      env.addAll(tcontainer.getEnv());
    }

    List<Volume> volumes = new ArrayList<>(List.of(
        new VolumeBuilder().withName("overwatch-config").withNewConfigMap().withName(Names.runConfigMap(runName)).endConfigMap().build(),
        new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build()));
    List<VolumeMount> mounts = new ArrayList<>(List.of(
        new VolumeMountBuilder().withName("overwatch-config").withMountPath(CONFIG_DIR).withReadOnly(true).build(),
        new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build()));
    PodParts.addStorageAndTemplateVolumes(d, tspec, tcontainer, volumes, mounts);
    if (executors > 0) {
      String secret = Names.sparkAuthSecret(runName);
      volumes.add(new VolumeBuilder().withName("spark-auth").withNewSecret().withSecretName(secret).withDefaultMode(0400).endSecret().build());
      mounts.add(new VolumeMountBuilder().withName("spark-auth").withMountPath(SPARK_AUTH_DIR).withReadOnly(true).build());
    }

    String memory = podMemory(memory(spark.driver));
    String cpu = spark.driver == null || spark.driver.cpu == null ? "1" : spark.driver.cpu;
    Container driver = new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(image(l))
        .withImagePullPolicy(tcontainer.getImagePullPolicy())
        .withCommand(driverCommand(l))
        .withEnv(env)
        .withEnvFrom(tcontainer.getEnvFrom())
        .withVolumeMounts(mounts)
        .withTerminationMessagePath(TERMINATION_LOG)
        .withTerminationMessagePolicy("File")
        .withNewResources()
          .addToRequests("cpu", new Quantity(cpu))
          .addToRequests("memory", new Quantity(memory))
          .addToLimits("memory", new Quantity(memory))
        .endResources()
        .withSecurityContext(PodParts.containerSecurity())
        .build();

    PodSpec spec = PodParts.scheduling(new PodSpecBuilder(), tspec)
        .withRestartPolicy("Never")
        .withEnableServiceLinks(false)
        .withServiceAccountName(Names.workloadServiceAccount(d.getMetadata().getName()))
        // Only a driver that schedules executors talks to the API server.
        .withAutomountServiceAccountToken(executors > 0)
        .withSecurityContext(PodParts.podSecurity())
        .withVolumes(volumes)
        .withContainers(driver)
        .build();
    return new PodBuilder()
        .withMetadata(new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(run.getMetadata().getNamespace())
            .withLabels(labels)
            .withAnnotations(annotations)
            .withOwnerReferences(ownerOf(run))
            .build())
        .withSpec(spec)
        .build();
  }

  public static boolean usesExecutors(OverwatchDeployment d) {
    SparkSpec spark = d.getSpec().spark;
    return spark != null && spark.executors != null && spark.executors > 0;
  }

  /** The run's Spark authentication secret, generated by the caller; owned by the run, so it goes with it. */
  public static Secret sparkAuthSecret(OverwatchRun run, byte[] secret) {
    return new SecretBuilder()
        .withNewMetadata()
          .withName(Names.sparkAuthSecret(run.getMetadata().getName()))
          .withNamespace(run.getMetadata().getNamespace())
          .withLabels(Map.of(Names.MANAGED_BY, Names.MANAGED_BY_VALUE, Names.RUN, Names.labelValue(run.getMetadata().getName())))
          .withOwnerReferences(ownerOf(run))
        .endMetadata()
        .withType("Opaque")
        .withImmutable(true)
        .withData(sparkAuthData(HexFormat.of().formatHex(secret).getBytes(StandardCharsets.US_ASCII)))
        .build();
  }

  private static Map<String, String> sparkAuthData(byte[] file) {
    java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
    String sparkForm = b64.encodeToString(file);
    return Map.of(SPARK_AUTH_KEY, sparkForm, SPARK_AUTH_ENV_KEY, b64.encodeToString(sparkForm.getBytes(StandardCharsets.US_ASCII)));
  }

  /** One ConfigMap per run, frozen at run start: every layer and retry sees the same inputs. */
  public static ConfigMap runConfigMap(OverwatchDeployment d, OverwatchRun run) {
    OverwatchDeployment dep = new OverwatchDeployment();
    dep.setMetadata(new ObjectMetaBuilder().withName(d.getMetadata().getName()).withNamespace(d.getMetadata().getNamespace())
        .withUid(d.getMetadata().getUid()).withGeneration(d.getMetadata().getGeneration()).build());
    dep.setSpec(d.getSpec());
    OverwatchRun r = new OverwatchRun();
    r.setMetadata(new ObjectMetaBuilder().withName(run.getMetadata().getName()).withNamespace(run.getMetadata().getNamespace())
        .withUid(run.getMetadata().getUid()).build());
    r.setSpec(run.getSpec());
    OverwatchRunStatus s = new OverwatchRunStatus();
    s.phase = run.getStatus().phase;
    s.runId = run.getStatus().runId;
    s.snapshotTime = run.getStatus().snapshotTime;
    s.layers = null;
    s.modules = null;
    s.conditions = null;
    r.setStatus(s);
    Map<String, String> data = new TreeMap<>(Map.of("deployment.yaml", Serialization.asYaml(dep), "run.yaml", Serialization.asYaml(r)));
    if (ExecutorPods.enabled(d)) {
      data.put(ExecutorPods.TEMPLATE_KEY, Serialization.asYaml(ExecutorPods.template(d, run.getMetadata().getName())));
    }
    return new ConfigMapBuilder()
        .withNewMetadata()
          .withName(Names.runConfigMap(run.getMetadata().getName()))
          .withNamespace(run.getMetadata().getNamespace())
          .withLabels(Map.of(Names.MANAGED_BY, Names.MANAGED_BY_VALUE, Names.RUN, Names.labelValue(run.getMetadata().getName())))
          .withOwnerReferences(ownerOf(run))
        .endMetadata()
        .withImmutable(true)
        .withData(data)
        .build();
  }

  public static ServiceAccount workloadServiceAccount(OverwatchDeployment d) {
    return new ServiceAccountBuilder().withMetadata(workloadMeta(d)).withAutomountServiceAccountToken(false).build();
  }

  /** Only what Spark's Kubernetes scheduler needs for executors, only in this namespace. */
  public static Role workloadRole(OverwatchDeployment d) {
    return new RoleBuilder()
        .withMetadata(workloadMeta(d))
        .withRules(
            new PolicyRuleBuilder().withApiGroups("").withResources("pods")
                .withVerbs("create", "get", "list", "watch", "delete", "deletecollection").build(),
            new PolicyRuleBuilder().withApiGroups("").withResources("configmaps", "services")
                .withVerbs("create", "get", "list", "watch", "delete", "deletecollection").build())
        .build();
  }

  public static RoleBinding workloadRoleBinding(OverwatchDeployment d) {
    String name = Names.workloadServiceAccount(d.getMetadata().getName());
    return new RoleBindingBuilder()
        .withMetadata(workloadMeta(d))
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(name).endRoleRef()
        .addNewSubject().withKind("ServiceAccount").withName(name).withNamespace(d.getMetadata().getNamespace()).endSubject()
        .build();
  }

  private static ObjectMeta workloadMeta(OverwatchDeployment d) {
    return new ObjectMetaBuilder()
        .withName(Names.workloadServiceAccount(d.getMetadata().getName()))
        .withNamespace(d.getMetadata().getNamespace())
        .withLabels(Map.of(Names.MANAGED_BY, Names.MANAGED_BY_VALUE, Names.DEPLOYMENT, Names.labelValue(d.getMetadata().getName())))
        .withOwnerReferences(ownerOf(d))
        .build();
  }

  private static EnvVar secretEnv(String name, String secret, String key) {
    return new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef().withName(secret).withKey(key).endSecretKeyRef().endValueFrom().build();
  }

  private static String image(Launch l) {
    SparkSpec spark = l.deployment().getSpec().spark;
    return spark != null && spark.image != null ? spark.image : l.defaultImage();
  }

  private static String memory(SparkSpec.ResourcesSpec r) {
    return r == null || r.memory == null ? "2g" : r.memory;
  }

  /** Spark size (2g) plus Spark's default overhead (max(384 MiB, 10%)) as a Kubernetes quantity in MiB. */
  static String podMemory(String sparkSize) {
    long mib = toMib(sparkSize);
    return (mib + Math.max(384, mib / 10)) + "Mi";
  }

  static long toMib(String size) {
    char unit = Character.toLowerCase(size.charAt(size.length() - 1));
    long n = Long.parseLong(size.substring(0, size.length() - 1));
    return switch (unit) {
      case 'k' -> Math.max(1, n / 1024);
      case 'm' -> n;
      case 'g' -> n * 1024;
      case 't' -> n * 1024 * 1024;
      default -> throw new IllegalArgumentException("not a Spark size: " + size);
    };
  }
}
