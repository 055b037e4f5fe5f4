package dev.overwatch.operator;

import dev.overwatch.api.v1alpha1.OverwatchRunStatus.LayerStatus;
import dev.overwatch.api.v1alpha1.RetrySpec;
import dev.overwatch.operator.DriverPodState.FailureClass;
import dev.overwatch.operator.DriverPodState.Kind;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Running: watches the driver pod of the current attempt. A pod that succeeds ends the layer; one that
 * fails, disappears, never starts within the start deadline or outlives the layer timeout ends the
 * attempt, and {@link RetryingPhase} decides whether another follows.
 */
final class RunningPhase {
  private RunningPhase() {}

  static Optional<Duration> observe(RunContext c, LayerStatus layer, RetrySpec retry) {
    Pod pod = c.cachedPod(layer.pod).orElse(null);
    if (pod == null) {
      Instant started = Times.parse(layer.startTime);
      Duration grace = c.settings.podGracePeriod();
      if (started != null && c.now.isBefore(started.plus(grace))) {
        return Optional.of(Times.until(c.now, started.plus(grace)));
      }
      pod = c.client.pods().inNamespace(c.ns).withName(layer.pod).get(); // live check before declaring it missing
      if (pod == null) {
        return RetryingPhase.attemptFailed(c, layer, retry, "PodDisappeared", "driver pod " + layer.pod + " disappeared", FailureClass.INFRASTRUCTURE);
      }
    }
    if (!c.ownedByRun(pod)) {
      return RetryingPhase.attemptFailed(c, layer, retry, "PodReplaced", "driver pod " + layer.pod + " was replaced by a pod of another owner",
          FailureClass.INFRASTRUCTURE);
    }
    DriverPodState state = DriverPodState.of(pod);
    Optional<DriverSummary> summary = state.terminated().map(ContainerStateTerminated::getMessage).flatMap(DriverSummary::parse);
    switch (state.kind()) {
      case SUCCEEDED -> {
        summary.ifPresent(c::mergeModules);
        layer.phase = RunReconciler.SUCCEEDED;
        layer.endTime = Times.format(c.now);
        layer.reason = null;
        layer.failureClass = null;
        layer.message = summary.map(s -> s.modules().size() + " modules, " + s.rowsWritten() + " rows").orElse("succeeded (no summary)");
        c.metric(() -> c.metrics.layerDuration(layer.name, "succeeded", c.elapsed(layer)));
        summary.ifPresent(s -> c.metric(() -> c.metrics.rowsWritten(layer.name, s.rowsWritten())));
        c.event("Normal", "LayerSucceeded", "layer " + layer.name + ": " + layer.message);
        return Optional.empty();
      }
      case FAILED -> {
        summary.ifPresent(c::mergeModules);
        String why = state.failureClass() == FailureClass.APPLICATION ? summary.map(RunningPhase::failedModules).orElse(state.message()) : state.message();
        return RetryingPhase.attemptFailed(c, layer, retry, state.reason(), why, state.failureClass());
      }
      case STARTING -> {
        if (state.reason() != null && !Objects.equals(state.reason(), layer.reason)) {
          layer.reason = state.reason();
          layer.message = "driver pod " + layer.pod + " not started: " + state.message();
          c.event("Warning", "LayerWaiting", "layer " + layer.name + ": " + layer.message);
        }
        if (state.hopeless()) {
          c.deletePod(layer.pod);
          return RetryingPhase.attemptFailed(c, layer, retry, state.reason(), "driver pod never started: " + state.message(), state.failureClass());
        }
        return passed(c, deadline(layer, retry, true)) ? notStarted(c, layer, retry, state) : untilDeadline(c, layer, retry, true);
      }
      default -> {
        if (layer.reason != null) {
          layer.reason = null;
          layer.message = "driver pod " + layer.pod + " running (attempt " + layer.attempts + ")";
        }
        return passed(c, deadline(layer, retry, false)) ? timedOut(c, layer, retry) : untilDeadline(c, layer, retry, false);
      }
    }
  }

  /** Start deadline (while the pod has not started) or layer timeout, whichever comes first; empty: none. */
  static Optional<Instant> deadline(LayerStatus layer, RetrySpec retry, boolean starting) {
    Instant start = Times.parse(layer.startTime);
    Optional<Instant> timeout = Optional.ofNullable(retry.layerTimeoutSeconds).map(start::plusSeconds);
    if (!starting) {
      return timeout;
    }
    Instant startBy = start.plusSeconds(startDeadline(retry));
    return Optional.of(timeout.filter(t -> t.isBefore(startBy)).orElse(startBy));
  }

  /** Deadlines are a reschedule at the deadline, not polling. */
  static Optional<Duration> untilDeadline(RunContext c, LayerStatus layer, RetrySpec retry, boolean starting) {
    return deadline(layer, retry, starting).map(d -> Times.until(c.now, d));
  }

  private static boolean passed(RunContext c, Optional<Instant> deadline) {
    return deadline.isPresent() && !c.now.isBefore(deadline.get());
  }

  private static int startDeadline(RetrySpec retry) {
    return retry.startDeadlineSeconds == null ? 300 : retry.startDeadlineSeconds;
  }

  private static Optional<Duration> notStarted(RunContext c, LayerStatus layer, RetrySpec retry, DriverPodState state) {
    if (retry.layerTimeoutSeconds != null && c.elapsed(layer).toSeconds() >= retry.layerTimeoutSeconds) {
      return timedOut(c, layer, retry);
    }
    c.deletePod(layer.pod);
    int limit = startDeadline(retry);
    String reason = state.reason() == null ? "NotStarted" : state.reason();
    return RetryingPhase.attemptFailed(c, layer, retry, reason,
        "driver pod not started within the start deadline (" + limit + "s): " + state.message(), state.failureClass());
  }

  private static Optional<Duration> timedOut(RunContext c, LayerStatus layer, RetrySpec retry) {
    c.deletePod(layer.pod);
    return RetryingPhase.attemptFailed(c, layer, retry, "TimedOut", "timed out after " + retry.layerTimeoutSeconds + "s", FailureClass.INFRASTRUCTURE);
  }

  static String failedModules(DriverSummary s) {
    List<String> failed = s.modules().stream().filter(m -> "FAILED".equals(m.status)).map(m -> m.name).limit(10).toList();
    return failed.isEmpty() ? "driver reported " + s.status() : "modules failed: " + String.join(", ", failed);
  }
}
