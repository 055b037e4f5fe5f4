package dev.overwatch.operator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Operator-wide settings (application.properties / env, prefix {@code overwatch}). */
@ConfigMapping(prefix = "overwatch")
public interface OperatorSettings {
  /** Spark image used when a deployment does not name one. */
  @WithDefault("ghcr.io/overwatch-k8s/overwatch-spark:latest")
  String defaultImage();

  /** How long a launched driver pod may be absent from the informer cache before a live check. */
  @WithDefault("30s")
  Duration podGracePeriod();

  /** Recheck interval of runs waiting for a deployment slot or a missing Secret. */
  @WithDefault("30s")
  Duration recheckInterval();

  /**
   * How long a Ready deployment's Secrets and workload RBAC, once verified, are trusted before the
   * next reconcile reads them again. Run transitions wake the deployment on every launch; re-reading
   * four objects each time was most of the API load of a burst of launches.
   */
  @WithDefault("5m")
  Duration verifyInterval();

  /** Allow hostPath volumes in deployments' podTemplate and sparkConf (off: a deployment must not reach the node). */
  @WithDefault("false")
  boolean allowHostPath();

  /** Allow http:// workspace URLs (off: tokens only travel over TLS). */
  @WithDefault("false")
  boolean allowInsecureUrls();

  /**
   * Which Secrets of its namespace a deployment may reference: {@code restricted} (named
   * {@code <deployment>-...}, labelled {@code overwatch.dev/deployment=<deployment>}, or annotated
   * {@code overwatch.dev/allowed-deployments}) or {@code namespace} (any).
   */
  @WithDefault("restricted")
  SecretReferences secretReferences();

  enum SecretReferences { restricted, namespace }

  default SecurityRules.Policy policy() {
    return new SecurityRules.Policy(allowHostPath(), allowInsecureUrls());
  }

  /** Raw launch-step samples kept in memory for the benchmark's exact percentiles (0: none; timers only). */
  @WithDefault("0")
  int launchTraceSamples();

  /** Lease used for leader election between operator replicas (prod profile only). */
  @WithDefault("overwatch-operator-lease")
  String leaderElectionLeaseName();
}
