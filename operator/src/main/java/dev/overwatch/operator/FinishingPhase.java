package dev.overwatch.operator;

import java.time.Duration;
import java.util.Optional;

/**
 * Finishing: a run that reached a terminal phase gives back its slot (and a cancelled one its live
 * pods); a cancel request ends the run; a run whose layers all succeeded ends Succeeded.
 */
final class FinishingPhase {
  private FinishingPhase() {}

  /** A terminal run: idempotent clean-up, repeated safely after an operator restart. */
  static Optional<Duration> finished(RunContext c) {
    c.slot.release();
    if (RunReconciler.CANCELLED.equals(c.st.phase)) {
      c.deleteLivePods();
    }
    return Optional.empty();
  }

  static Optional<Duration> cancel(RunContext c) {
    c.deleteLivePods();
    c.st.layers.stream().filter(l -> !RunReconciler.terminal(l.phase)).forEach(l -> {
      l.phase = RunReconciler.CANCELLED;
      l.endTime = Times.format(c.now);
    });
    c.finish(RunReconciler.CANCELLED, "Cancelled", "cancelled by spec.cancel");
    return Optional.empty();
  }

  static Optional<Duration> succeeded(RunContext c) {
    c.finish(RunReconciler.SUCCEEDED, "Succeeded", "all layers succeeded");
    return Optional.empty();
  }
}
