package dev.overwatch.operator;

import dev.overwatch.api.v1alpha1.OverwatchRun;
import dev.overwatch.api.v1alpha1.ScheduleSpec;
import dev.overwatch.api.v1alpha1.ScheduleSpec.ConcurrencyPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What one due time of a schedule does (pure): create a run, create it after cancelling the
 * unfinished ones (Replace), or skip with a reason. Pending runs count like running ones, so a
 * stuck run never builds a backlog.
 */
record ScheduleDecision(boolean create, List<String> cancel, String skipReason) {
  static ScheduleDecision decide(ScheduleSpec schedule, Instant due, Instant now, List<OverwatchRun> unfinished) {
    if (schedule.startingDeadlineSeconds != null && now.isAfter(due.plusSeconds(schedule.startingDeadlineSeconds))) {
      return skip("due at " + Times.format(due) + " but not started within startingDeadlineSeconds ("
          + schedule.startingDeadlineSeconds + "s; " + Duration.between(due, now).toSeconds() + "s late)");
    }
    List<String> names = unfinished.stream().map(r -> r.getMetadata().getName()).sorted().toList();
    ConcurrencyPolicy policy = schedule.concurrencyPolicy == null ? ConcurrencyPolicy.Forbid : schedule.concurrencyPolicy;
    return switch (policy) {
      case Forbid -> names.isEmpty() ? new ScheduleDecision(true, List.of(), null)
          : skip("run " + String.join(", ", names) + " still unfinished (concurrencyPolicy Forbid)");
      case Replace -> new ScheduleDecision(true, names, null);
      case Allow -> {
        long waiting = unfinished.stream().filter(r -> r.getStatus() == null || r.getStatus().phase == null
            || RunReconciler.PENDING.equals(r.getStatus().phase)).count();
        int max = schedule.maxQueuedRuns == null ? 1 : schedule.maxQueuedRuns;
        yield names.isEmpty() || waiting < max ? new ScheduleDecision(true, List.of(), null)
            : skip(waiting + " run(s) already waiting, maxQueuedRuns " + max + " (concurrencyPolicy Allow)");
      }
    };
  }

  private static ScheduleDecision skip(String reason) {
    return new ScheduleDecision(false, List.of(), reason);
  }
}
