package dev.overwatch.operator;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchRunStatus.LayerStatus;
import dev.overwatch.api.v1alpha1.RetrySpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;

/**
 * Launching: creates (or adopts, after an operator restart) the driver pod of one layer attempt, and
 * before it the run's Spark authentication Secret when executors are used.
 */
final class LaunchPhase {
  private final SecureRandom random;

  LaunchPhase(SecureRandom random) {
    this.random = random;
  }

  Optional<Duration> launch(RunContext c, OverwatchDeployment frozen, LayerStatus layer, int attempt, RetrySpec retry) {
    Resources.Launch launch = new Resources.Launch(frozen, c.run, layer.name, attempt, c.settings.defaultImage());
    if (Resources.usesExecutors(frozen)) {
      byte[] secret = new byte[32];
      random.nextBytes(secret);
      c.createOrGet(Resources.sparkAuthSecret(c.run, secret)); // an existing one (operator restart) is kept as is
    }
    Pod desired = Resources.driverPod(launch);
    String name = desired.getMetadata().getName();
    c.laps.lap("build");
    Pod pod = c.cachedPod(name).orElse(null);
    boolean created = false;
    if (pod == null) {
      try {
        pod = c.client.resource(desired).create();
        created = true;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        pod = c.client.resource(desired).get(); // created by a predecessor: adopt it (owner checked below)
      }
    }
    c.laps.lap("pod-create");
    if (pod != null && !c.ownedByRun(pod)) {
      layer.message = "pod " + name + " exists but belongs to another owner; waiting for it to be deleted";
      return Optional.of(c.settings.recheckInterval());
    }
    layer.attempts = attempt;
    layer.phase = RunReconciler.RUNNING;
    layer.pod = name;
    layer.nextAttemptTime = null;
    layer.endTime = null;
    layer.reason = null;
    layer.startTime = created || pod == null || pod.getMetadata().getCreationTimestamp() == null
        ? Times.format(c.now) : pod.getMetadata().getCreationTimestamp();
    layer.message = (created ? "driver pod created" : "driver pod adopted") + " (attempt " + attempt + ")";
    c.st.message = "layer " + layer.name + " running";
    if (created) {
      // Launch latency: run created -> its first driver pod (a resumed run's skipped layers do not count).
      boolean firstPod = c.st.layers.stream().noneMatch(l -> l != layer && l.attempts != null && l.attempts > 0);
      if (attempt == 1 && firstPod && c.run.getMetadata().getCreationTimestamp() != null) {
        Duration latency = Duration.between(Times.parse(c.run.getMetadata().getCreationTimestamp()), c.now);
        c.metric(() -> c.metrics.launchLatency(latency));
      }
      if (attempt > 1) {
        c.metric(() -> c.metrics.retry(layer.name));
      }
      c.event("Normal", "LayerStarted", "layer " + layer.name + " attempt " + attempt + ": driver pod " + name);
    }
    return RunningPhase.untilDeadline(c, layer, retry, true);
  }
}
