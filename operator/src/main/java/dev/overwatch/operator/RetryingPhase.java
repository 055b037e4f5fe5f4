package dev.overwatch.operator;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchRunStatus.LayerStatus;
import dev.overwatch.api.v1alpha1.RetrySpec;
import dev.overwatch.operator.DriverPodState.FailureClass;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Retrying: an ended attempt either schedules the next one after {@code backoffSeconds * 2^(n-1)}
 * (capped at an hour) or fails the layer, and with it the run. Configuration failures are not
 * retried: the next attempt would fail the same way.
 */
final class RetryingPhase {
  static final Duration MAX_BACKOFF = Duration.ofHours(1);

  private RetryingPhase() {}

  /** A layer in Retrying: wait for its next attempt time, then launch. */
  static Optional<Duration> step(RunContext c, OverwatchDeployment frozen, LayerStatus layer, RetrySpec retry, LaunchPhase launch) {
    Instant next = Times.parse(layer.nextAttemptTime);
    return next != null && c.now.isBefore(next) ? Optional.of(Times.until(c.now, next))
        : launch.launch(c, frozen, layer, layer.attempts + 1, retry);
  }

  static Optional<Duration> attemptFailed(RunContext c, LayerStatus layer, RetrySpec retry, String reason, String why, FailureClass failure) {
    c.metric(() -> c.metrics.layerDuration(layer.name, "failed", c.elapsed(layer)));
    layer.reason = reason;
    layer.failureClass = failure.label;
    int max = retry.maxAttempts == null ? 1 : retry.maxAttempts;
    if (failure.retried && layer.attempts < max) {
      Duration backoff = backoff(retry, layer.attempts);
      layer.phase = RunReconciler.RETRYING;
      layer.nextAttemptTime = Times.format(c.now.plus(backoff));
      layer.message = "attempt " + layer.attempts + " failed: " + why + "; retrying in " + backoff.toSeconds() + "s";
      c.st.message = "layer " + layer.name + " retrying";
      c.event("Warning", "LayerRetrying", "layer " + layer.name + ": " + layer.message);
      return Optional.of(backoff.isZero() ? Duration.ofMillis(1) : backoff);
    }
    String left = failure.retried ? "no attempts left" : failure.label.toLowerCase() + " error, not retried";
    layer.phase = RunReconciler.FAILED;
    layer.endTime = Times.format(c.now);
    layer.message = "attempt " + layer.attempts + " failed: " + why;
    c.event("Warning", "LayerFailed", "layer " + layer.name + ": " + layer.message + " (" + left + ")");
    c.finish(RunReconciler.FAILED, reason == null ? "LayerFailed" : reason,
        "layer " + layer.name + " failed after " + layer.attempts + " attempt(s): " + why + " (" + left + ")");
    return Optional.empty();
  }

  static Duration backoff(RetrySpec retry, int attemptsSoFar) {
    long base = retry.backoffSeconds == null ? 0 : retry.backoffSeconds;
    Duration backoff = Duration.ofSeconds(base).multipliedBy(1L << Math.min(20, Math.max(0, attemptsSoFar - 1)));
    return backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
  }
}
