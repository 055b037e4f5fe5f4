package dev.overwatch.operator;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchRun;
import dev.overwatch.api.v1alpha1.OverwatchRunStatus;
import dev.overwatch.api.v1alpha1.OverwatchRunStatus.LayerStatus;
import dev.overwatch.api.v1alpha1.OverwatchRunStatus.ModuleSummary;
import dev.overwatch.api.v1alpha1.RetrySpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The observed world of one reconcile of one run (status, cached pods, deployment, clock) and the
 * few effects a phase may take. Events and metrics are deferred until the status write succeeded,
 * so they only describe persisted transitions.
 */
final class RunContext {
  final OverwatchRun run;
  final OverwatchRunStatus st;
  final Context<OverwatchRun> ctx;
  final KubernetesClient client;
  final Instant now;
  final String ns;
  final OperatorSettings settings;
  final OperatorMetrics metrics;
  final RunSlot slot;
  final LaunchLaps laps;
  final List<Runnable> afterCommit = new ArrayList<>();
  /** The transitions of this reconcile, recorded as one event once the status write succeeded. */
  final List<EventRecorder.Transition> transitions = new ArrayList<>();

  RunContext(OverwatchRun run, Context<OverwatchRun> ctx, Instant now, OperatorSettings settings, OperatorMetrics metrics, LaunchLaps laps) {
    this.run = run;
    this.st = run.getStatus();
    this.ctx = ctx;
    this.client = ctx.getClient();
    this.now = now;
    this.ns = run.getMetadata().getNamespace();
    this.settings = settings;
    this.metrics = metrics;
    this.slot = new RunSlot(this);
    this.laps = laps;
    if (st.layers == null) {
      st.layers = new ArrayList<>();
    }
    if (st.modules == null) {
      st.modules = new ArrayList<>();
    }
    if (st.conditions == null) {
      st.conditions = new ArrayList<>();
    }
  }

  String name() {
    return run.getMetadata().getName();
  }

  Long generation() {
    return run.getMetadata().getGeneration();
  }

  Optional<OverwatchDeployment> deployment() {
    return ctx.getSecondaryResource(OverwatchDeployment.class);
  }

  /** Another run of the namespace: the informer cache first, the API server when the cache does not have it. */
  OverwatchRun otherRun(String name) {
    return ctx.getPrimaryCache().get(new ResourceID(name, ns))
        .orElseGet(() -> client.resources(OverwatchRun.class).inNamespace(ns).withName(name).get());
  }

  Optional<Pod> cachedPod(String name) {
    return ctx.getSecondaryResources(Pod.class).stream().filter(p -> p.getMetadata().getName().equals(name)).findFirst();
  }

  boolean ownedByRun(HasMetadata o) {
    return o.getMetadata().getOwnerReferences() != null && o.getMetadata().getOwnerReferences().stream()
        .anyMatch(r -> Objects.equals(r.getUid(), run.getMetadata().getUid()));
  }

  void deletePod(String name) {
    client.pods().inNamespace(ns).withName(name).delete();
  }

  void deleteLivePods() {
    for (Pod p : ctx.getSecondaryResources(Pod.class)) {
      String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
      if (!RunReconciler.SUCCEEDED.equals(phase) && !RunReconciler.FAILED.equals(phase) && ownedByRun(p)) {
        deletePod(p.getMetadata().getName());
      }
    }
  }

  /** Create, or adopt what a predecessor created under the same deterministic name. */
  <T extends HasMetadata> T createOrGet(T desired) {
    try {
      return client.resource(desired).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      return client.resource(desired).get();
    }
  }

  /** The deployment as frozen into the run's ConfigMap at the first launch (null: deleted before that). */
  OverwatchDeployment frozenDeployment() {
    // Before the first launch the ConfigMap normally does not exist yet: create first, read on conflict.
    String cmName = Names.runConfigMap(name());
    boolean launched = st.layers.stream().anyMatch(l -> l.attempts != null && l.attempts > 0);
    ConfigMap cm = ctx.getSecondaryResources(ConfigMap.class).stream().filter(x -> x.getMetadata().getName().equals(cmName)).findFirst()
        .orElseGet(() -> launched ? client.configMaps().inNamespace(ns).withName(cmName).get() : null); // live read on cache lag
    if (cm == null) {
      OverwatchDeployment d = deployment().orElse(null);
      if (d == null) {
        return null;
      }
      cm = createOrGet(Resources.runConfigMap(d, run));
    }
    adoptFrozenStart(cm);
    return Serialization.unmarshal(cm.getData().get("deployment.yaml"), OverwatchDeployment.class);
  }

  /**
   * The run ConfigMap is written before the first pod and before the status write that records the
   * start: when that write was lost (conflict, crash), the ConfigMap's runId and snapshot time are the
   * ones the pods got, so they win over the ones this retry chose.
   */
  private void adoptFrozenStart(ConfigMap cm) {
    String frozenRun = cm.getData().get("run.yaml");
    if (frozenRun == null || st.runId == null || frozenRun.contains(st.runId)) {
      return;
    }
    OverwatchRunStatus frozen = Serialization.unmarshal(frozenRun, OverwatchRun.class).getStatus();
    if (frozen != null && frozen.runId != null) {
      st.runId = frozen.runId;
      st.snapshotTime = frozen.snapshotTime;
    }
  }

  RetrySpec retry(OverwatchDeployment d) {
    if (run.getSpec().retry != null) {
      return run.getSpec().retry;
    }
    return d.getSpec().retry != null ? d.getSpec().retry : new RetrySpec();
  }

  Duration elapsed(LayerStatus layer) {
    Instant start = Times.parse(layer.startTime);
    return start == null ? Duration.ZERO : Duration.between(start, now).abs();
  }

  /** Ends the run; the slot is released so that the next queued run may start. */
  void finish(String phase, String reason, String message) {
    st.phase = phase;
    st.message = message;
    st.completionTime = Times.format(now);
    boolean ok = RunReconciler.SUCCEEDED.equals(phase);
    Conditions.set(st.conditions, "Succeeded", ok ? "True" : "False", reason, message, generation(), now);
    Conditions.set(st.conditions, "Failed", RunReconciler.FAILED.equals(phase) ? "True" : "False", reason, message, generation(), now);
    if (RunReconciler.CANCELLED.equals(phase)) {
      Conditions.set(st.conditions, "Cancelled", "True", reason, message, generation(), now);
    }
    Conditions.set(st.conditions, "Running", "False", reason, message, generation(), now);
    metric(() -> metrics.runPhase(phase));
    event(ok ? "Normal" : "Warning", phase, message);
    slot.release();
  }

  /** Stays Pending with a reason; {@code recheck} null means "an event will wake us". */
  Optional<Duration> waitPending(String reason, String message, Duration recheck) {
    st.phase = RunReconciler.PENDING;
    st.message = message;
    Conditions.set(st.conditions, "Succeeded", "Unknown", reason, message, generation(), now);
    return Optional.ofNullable(recheck);
  }

  void mergeModules(DriverSummary s) {
    mergeModules(s.modules(), s.truncated());
  }

  void mergeModules(List<ModuleSummary> modules, boolean truncated) {
    for (ModuleSummary m : modules) {
      st.modules.removeIf(x -> Objects.equals(x.id, m.id) && Objects.equals(x.workspace, m.workspace) && Objects.equals(x.name, m.name));
      if (st.modules.size() < OverwatchRunStatus.MAX_MODULES) {
        st.modules.add(m);
      } else {
        st.modulesTruncated = true;
      }
    }
    if (truncated) {
      st.modulesTruncated = true;
    }
  }

  void event(String type, String reason, String message) {
    transitions.add(new EventRecorder.Transition(type, reason, message));
  }

  void metric(Runnable r) {
    afterCommit.add(r);
  }
}
