package dev.overwatch.operator;

import dev.overwatch.api.v1alpha1.OverwatchDeploymentSpec;
import dev.overwatch.api.v1alpha1.SecretKeyRef;
import dev.overwatch.api.v1alpha1.WorkspaceSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What a deployment may make the operator do on its behalf (pure). Whoever may create an
 * OverwatchDeployment must not thereby gain host access, another identity, or the Secrets of the
 * namespace: volumes are limited to safe types, identity-changing Spark settings are refused,
 * credentials never travel in sparkConf, token variables are unique, and referenced Secrets must be
 * meant for the deployment.
 */
final class SecurityRules {
  /** Operator-wide switches (OperatorSettings); the defaults are the safe ones. */
  record Policy(boolean allowHostPath, boolean allowInsecureUrls) {
    static final Policy DEFAULT = new Policy(false, false);
  }

  /** Volume types that expose nothing of the node and nothing outside the namespace. */
  static final Set<String> SAFE_VOLUMES = Set.of("configMap", "secret", "emptyDir", "persistentVolumeClaim", "projected",
      "downwardAPI", "csi", "ephemeral");
  static final Set<String> RESERVED_ENV = Set.of("SPARK_LOCAL_DIRS", "HOME");
  /** Label or annotation on a Secret that grants deployments access to it. */
  static final String ALLOWED_DEPLOYMENTS = "overwatch.dev/allowed-deployments";
  /** sparkConf prefixes that would change the pods' identity, namespace or mounted Secrets. */
  static final List<String> IDENTITY_CONF = List.of("spark.kubernetes.authenticate.", "spark.kubernetes.namespace",
      "spark.kubernetes.driver.podTemplateFile", "spark.kubernetes.executor.podTemplateFile",
      "spark.kubernetes.driver.secrets.", "spark.kubernetes.executor.secrets.",
      "spark.kubernetes.driver.secretKeyRef.", "spark.kubernetes.executor.secretKeyRef.",
      "spark.kubernetes.driver.serviceAccountName", "spark.kubernetes.executor.serviceAccountName",
      "spark.authenticate", "spark.network.crypto.");
  private static final Pattern HOST_VOLUME_CONF = Pattern.compile("^spark\\.kubernetes\\.(driver|executor)\\.volumes\\.(hostPath|nfs)\\..*");
  private static final Pattern CREDENTIAL_KEY = Pattern.compile(
      "(?i).*(password|passwd|secret|token|credential|access[._-]?key|account\\.key|session\\.key|private[._-]?key|\\.sas\\.).*");
  /** Values shaped like well-known credentials: AWS access key ids, Databricks tokens, JWTs, PEM private keys. */
  private static final Pattern CREDENTIAL_VALUE = Pattern.compile(
      "\\b(AKIA|ASIA)[0-9A-Z]{16}\\b|\\bdapi[0-9a-f]{32}\\b|\\beyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}\\.|-----BEGIN [A-Z ]*PRIVATE KEY-----");
  /** Settings that name a credential provider class, not a credential. */
  private static final Pattern PROVIDER_KEY = Pattern.compile("(?i).*\\.provider(\\.type|\\.class)?$");

  private SecurityRules() {}

  static void check(List<Problem> p, OverwatchDeploymentSpec spec, Policy policy) {
    if (spec.workspaces != null) {
      Map<String, String> tokenVars = new HashMap<>();
      for (WorkspaceSpec w : spec.workspaces) {
        if (w.name == null) {
          continue;
        }
        String var = Names.tokenEnv(w.name);
        String other = tokenVars.putIfAbsent(var, w.name);
        if (other != null && !other.equals(w.name)) {
          p.add(new Problem("TokenVariableCollision", "workspaces '" + other + "' and '" + w.name + "' map to the same token variable "
              + var + " (names are upper-cased and '-'/'_' become '_'); rename one of them"));
        }
        if (w.url != null && w.url.startsWith("http://") && !policy.allowInsecureUrls()) {
          p.add(new Problem("InsecureUrl", "workspace '" + w.name + "' url " + w.url + " is not https: the token would travel in clear"
              + " (the operator allows http only when started with OVERWATCH_ALLOW_INSECURE_URLS=true)"));
        }
      }
    }
    if (spec.spark != null && spec.spark.sparkConf != null) {
      for (String key : new TreeSet<>(spec.spark.sparkConf.keySet())) {
        sparkConf(p, key, policy);
        String value = spec.spark.sparkConf.get(key);
        if (value != null && CREDENTIAL_VALUE.matcher(value).find()) {
          // The value is not repeated in the message: conditions and events are readable by many.
          p.add(new Problem("CredentialInSparkConf", "spark.sparkConf value of " + key + " looks like a credential (access key,"
              + " Databricks token, JWT or private key); pass it as an env variable from a Secret (spark.podTemplate env valueFrom.secretKeyRef)"));
        }
      }
    }
    if (spec.spark != null && spec.spark.podTemplate != null && spec.spark.podTemplate.getSpec() != null) {
      PodSpec ps = spec.spark.podTemplate.getSpec();
      for (Volume v : ps.getVolumes() == null ? List.<Volume>of() : ps.getVolumes()) {
        String type = volumeType(v);
        boolean allowed = SAFE_VOLUMES.contains(type) || ("hostPath".equals(type) && policy.allowHostPath());
        if (!allowed) {
          p.add(new Problem("ForbiddenVolume", "spark.podTemplate volume '" + v.getName() + "' has type " + type + "; allowed: "
              + new TreeSet<>(SAFE_VOLUMES) + ("hostPath".equals(type) ? " (hostPath only when the operator runs with OVERWATCH_ALLOW_HOST_PATH=true)" : "")));
        }
      }
      for (Container c : ps.getContainers() == null ? List.<Container>of() : ps.getContainers()) {
        for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
          // A template variable of the same name would override the operator's (e.g. swap a workspace token).
          if (e.getName() != null && (e.getName().startsWith("OVERWATCH_") || RESERVED_ENV.contains(e.getName()))) {
            p.add(new Problem("ReservedEnv", "spark.podTemplate env " + e.getName() + " is reserved (OVERWATCH_*, "
                + String.join(", ", new TreeSet<>(RESERVED_ENV)) + " are set by the operator)"));
          }
        }
      }
    }
  }

  private static void sparkConf(List<Problem> p, String key, Policy policy) {
    if (IDENTITY_CONF.stream().anyMatch(key::startsWith)) {
      p.add(new Problem("ForbiddenSparkConf", "spark.sparkConf must not set " + key
          + ": the operator sets the pods' namespace, service account, Secrets and authentication"));
    } else if (HOST_VOLUME_CONF.matcher(key).matches() && !(policy.allowHostPath() && key.contains(".hostPath."))) {
      p.add(new Problem("ForbiddenSparkConf", "spark.sparkConf must not set " + key + ": host and NFS volumes are not allowed"));
    } else if (CREDENTIAL_KEY.matcher(key).matches() && !PROVIDER_KEY.matcher(key).matches()) {
      p.add(new Problem("CredentialInSparkConf", "spark.sparkConf key " + key + " looks like a credential; sparkConf is copied into the"
          + " run's ConfigMap and the driver's command line, so pass it as an env variable from a Secret (spark.podTemplate env"
          + " valueFrom.secretKeyRef, e.g. AWS_SECRET_ACCESS_KEY)"));
    }
  }

  /** The volume's type: its one field besides the name (hostPath, nfs, secret, ...). */
  @SuppressWarnings("unchecked")
  static String volumeType(Volume v) {
    Map<String, Object> m = Serialization.jsonMapper().convertValue(v, Map.class);
    return m.keySet().stream().filter(k -> !"name".equals(k)).findFirst().orElse("unknown");
  }

  /** Every Secret a deployment makes its pods read, with the keys it needs (empty set: the whole Secret). */
  static Map<String, Set<String>> secretsReferenced(OverwatchDeploymentSpec spec) {
    Map<String, Set<String>> refs = new LinkedHashMap<>();
    for (SecretKeyRef r : Validation.secretRefs(spec)) {
      refs.computeIfAbsent(r.name, k -> new TreeSet<>()).add(r.key);
    }
    PodSpec ps = spec.spark == null || spec.spark.podTemplate == null ? null : spec.spark.podTemplate.getSpec();
    if (ps == null) {
      return refs;
    }
    for (Container c : ps.getContainers() == null ? List.<Container>of() : ps.getContainers()) {
      for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
        if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null && e.getValueFrom().getSecretKeyRef().getName() != null) {
          refs.computeIfAbsent(e.getValueFrom().getSecretKeyRef().getName(), k -> new TreeSet<>()).add(e.getValueFrom().getSecretKeyRef().getKey());
        }
      }
      for (EnvFromSource e : c.getEnvFrom() == null ? List.<EnvFromSource>of() : c.getEnvFrom()) {
        if (e.getSecretRef() != null && e.getSecretRef().getName() != null) {
          refs.computeIfAbsent(e.getSecretRef().getName(), k -> new TreeSet<>());
        }
      }
    }
    for (Volume v : ps.getVolumes() == null ? List.<Volume>of() : ps.getVolumes()) {
      if (v.getSecret() != null && v.getSecret().getSecretName() != null) {
        refs.computeIfAbsent(v.getSecret().getSecretName(), k -> new TreeSet<>());
      }
      if (v.getProjected() != null && v.getProjected().getSources() != null) {
        for (VolumeProjection s : v.getProjected().getSources()) {
          if (s.getSecret() != null && s.getSecret().getName() != null) {
            refs.computeIfAbsent(s.getSecret().getName(), k -> new TreeSet<>());
          }
        }
      }
    }
    return refs;
  }

  /**
   * A Secret is meant for a deployment when it is named {@code <deployment>-...}, labelled
   * {@code overwatch.dev/deployment=<deployment>}, or annotated {@code overwatch.dev/allowed-deployments}
   * with a comma-separated list naming the deployment (or {@code *}): the Secret's owner decides.
   */
  static boolean meantFor(HasMetadata secret, String deployment) {
    var meta = secret.getMetadata();
    if (meta.getName().startsWith(deployment + "-")) {
      return true;
    }
    if (meta.getLabels() != null && deployment.equals(meta.getLabels().get(Names.DEPLOYMENT))) {
      return true;
    }
    String allowed = meta.getAnnotations() == null ? null : meta.getAnnotations().get(ALLOWED_DEPLOYMENTS);
    if (allowed == null) {
      return false;
    }
    List<String> names = new ArrayList<>();
    for (String s : allowed.split(",")) {
      names.add(s.trim());
    }
    return names.contains("*") || names.contains(deployment);
  }
}
