package dev.overwatch.operator;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchRun;
import dev.overwatch.api.v1alpha1.OverwatchRunStatus.LayerStatus;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pending and queued: waits for a Ready deployment and the deployment's one active-run slot (oldest
 * run first), then starts the run: snapshot time, layer list, and for a resumed run the runId,
 * snapshot time and succeeded layers of the run it resumes.
 */
final class PendingPhase implements RunPhase {
  @Override
  public Optional<Duration> step(RunContext c) {
    String depName = c.run.getSpec().deploymentRef.name;
    OverwatchDeployment d = c.deployment().orElse(null);
    if (d == null) {
      return c.waitPending("DeploymentNotFound", "OverwatchDeployment " + depName + " not found in namespace " + c.ns, c.settings.recheckInterval());
    }
    if (!RunReconciler.isReady(d)) {
      String why = Conditions.get(d.getStatus() == null ? null : d.getStatus().conditions, "Ready")
          .map(x -> x.getReason() + ": " + x.getMessage()).orElse("not reconciled yet");
      return c.waitPending("DeploymentNotReady", "OverwatchDeployment " + depName + " is not ready (" + why + ")", null);
    }
    Optional<OverwatchRun> source = Optional.empty();
    if (c.run.getSpec().resumeFrom != null) {
      Optional<String> bad = resumeProblem(c, depName);
      if (bad.isPresent()) {
        c.finish(RunReconciler.FAILED, "InvalidResume", bad.get());
        return Optional.empty();
      }
      source = Optional.of(c.otherRun(c.run.getSpec().resumeFrom));
    }
    Optional<OverwatchRun> ahead = c.ctx.getPrimaryCache().byIndex(RunReconciler.BY_DEPLOYMENT, RunReconciler.deploymentKey(c.ns, depName)).stream()
        .filter(r -> !r.getMetadata().getName().equals(c.name()))
        .filter(r -> r.getStatus() != null && r.getStatus().phase != null && !RunReconciler.terminal(r.getStatus().phase))
        .filter(r -> RunReconciler.RUNNING.equals(r.getStatus().phase) || RunReconciler.olderThan(r, c.run))
        .min(RunReconciler::byAge);
    if (ahead.isPresent()) {
      return queued(c, ahead.get().getMetadata().getName());
    }
    Optional<String> holder = c.slot.acquire(depName);
    c.laps.lap("slot");
    if (holder.isPresent()) {
      return queued(c, holder.get());
    }
    start(c, source);
    return Optional.empty();
  }

  private static Optional<Duration> queued(RunContext c, String ahead) {
    return c.waitPending("Queued", "waiting for run " + ahead + " (at most one active run per deployment)", c.settings.recheckInterval());
  }

  private static void start(RunContext c, Optional<OverwatchRun> source) {
    var st = c.st;
    st.phase = RunReconciler.RUNNING;
    st.startTime = Times.format(c.now);
    st.snapshotTime = c.run.getSpec().snapshotTime != null
        ? Times.format(OffsetDateTime.parse(c.run.getSpec().snapshotTime).toInstant()) : Times.format(c.now);
    st.layers = new ArrayList<>();
    List<String> done = List.of();
    if (source.isPresent()) {
      // The same runId and windows: the resumed layers continue the failed run, they do not start a new one.
      st.runId = source.get().getStatus().runId;
      st.snapshotTime = source.get().getStatus().snapshotTime;
      done = source.get().getStatus().layers.stream().filter(l -> RunReconciler.SUCCEEDED.equals(l.phase)).map(l -> l.name).toList();
      c.mergeModules(source.get().getStatus().modules == null ? List.of() : source.get().getStatus().modules, false);
    }
    for (String layer : Validation.layers(c.run.getSpec())) {
      LayerStatus l = new LayerStatus();
      l.name = layer;
      l.attempts = 0;
      l.phase = done.contains(layer) ? RunReconciler.SUCCEEDED : RunReconciler.PENDING;
      if (done.contains(layer)) {
        l.message = "succeeded in run " + c.run.getSpec().resumeFrom + "; not run again";
      }
      st.layers.add(l);
    }
    st.currentLayer = st.layers.get(0).name;
    st.message = source.isPresent() ? "resumed from run " + c.run.getSpec().resumeFrom : "started";
    Conditions.set(st.conditions, "Succeeded", "Unknown", RunReconciler.RUNNING, "run started", c.generation(), c.now);
    Conditions.set(st.conditions, "Running", "True", "Started", "run started", c.generation(), c.now);
    c.metric(() -> c.metrics.runPhase(RunReconciler.RUNNING));
    c.event("Normal", "Started", st.message + " with snapshot time " + st.snapshotTime);
  }

  /** A run may resume only a finished, unsuccessful run of the same deployment. */
  private static Optional<String> resumeProblem(RunContext c, String depName) {
    String from = c.run.getSpec().resumeFrom;
    OverwatchRun src = c.otherRun(from);
    if (src == null) {
      return Optional.of("resumeFrom: OverwatchRun " + from + " not found in namespace " + c.ns);
    }
    if (src.getSpec() == null || src.getSpec().deploymentRef == null || !depName.equals(src.getSpec().deploymentRef.name)) {
      return Optional.of("resumeFrom: run " + from + " belongs to another deployment");
    }
    String phase = src.getStatus() == null ? null : src.getStatus().phase;
    if (!RunReconciler.FAILED.equals(phase) && !RunReconciler.CANCELLED.equals(phase)) {
      return Optional.of("resumeFrom: run " + from + " is " + phase + "; only a Failed or Cancelled run can be resumed");
    }
    if (src.getStatus().runId == null || src.getStatus().snapshotTime == null || src.getStatus().layers == null) {
      return Optional.of("resumeFrom: run " + from + " never started, so there is nothing to resume; create a new run");
    }
    return Optional.empty();
  }
}
