package dev.overwatch.operator;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchRun;
import dev.overwatch.api.v1alpha1.OverwatchRunStatus;
import dev.overwatch.api.v1alpha1.OverwatchRunStatus.LayerStatus;
import dev.overwatch.api.v1alpha1.OverwatchRunStatus.ModuleSummary;
import dev.overwatch.api.v1alpha1.RetrySpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Drives one OverwatchRun through its layers. Each reconcile reads the observed world (run status,
 * driver pods, lease), takes at most one step and persists it in the status; names are deterministic,
 * so a restarted operator finds and adopts what its predecessor created.
 */
// generationAwareEventProcessing=false: our own status patches must trigger the next step.
@ControllerConfiguration(name = RunReconciler.NAME, generationAwareEventProcessing = false)
public class RunReconciler implements Reconciler<OverwatchRun> {
  public static final String NAME = "overwatchrun";
  static final String BY_DEPLOYMENT = "byDeployment";
  static final String PENDING = "Pending";
  static final String RUNNING = "Running";
  static final String RETRYING = "Retrying";
  static final String SUCCEEDED = "Succeeded";
  static final String FAILED = "Failed";
  static final String CANCELLED = "Cancelled";
  static final Set<String> TERMINAL = Set.of(SUCCEEDED, FAILED, CANCELLED);
  private static final Logger LOG = Logger.getLogger(RunReconciler.class);
  private static final Duration MAX_BACKOFF = Duration.ofHours(1);

  private final OperatorSettings settings;
  private final OperatorMetrics metrics;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  @Inject
  public RunReconciler(OperatorSettings settings, OperatorMetrics metrics, Clock clock) {
    this.settings = settings;
    this.metrics = metrics;
    this.clock = clock;
  }

  static String deploymentKey(String namespace, String name) {
    return namespace + "/" + name;
  }

  @Override
  public List<EventSource<?, OverwatchRun>> prepareEventSources(EventSourceContext<OverwatchRun> ctx) {
    ctx.getPrimaryCache().addIndexer(BY_DEPLOYMENT, r -> r.getSpec() == null || r.getSpec().deploymentRef == null
        ? List.of() : List.of(deploymentKey(r.getMetadata().getNamespace(), r.getSpec().deploymentRef.name)));
    var pods = new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, OverwatchRun.class)
        .withLabelSelector(Names.DRIVER_SELECTOR)
        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(OverwatchRun.class))
        .build(), ctx);
    var deployments = new InformerEventSource<>(InformerEventSourceConfiguration.from(OverwatchDeployment.class, OverwatchRun.class)
        .withSecondaryToPrimaryMapper(d -> runsOf(ctx.getPrimaryCache(), d.getMetadata().getNamespace(), d.getMetadata().getName()))
        .withPrimaryToSecondaryMapper((OverwatchRun r) -> r.getSpec() == null || r.getSpec().deploymentRef == null ? Set.of()
            : Set.of(new ResourceID(r.getSpec().deploymentRef.name, r.getMetadata().getNamespace())))
        .build(), ctx);
    // A released slot wakes the runs queued behind it.
    var leases = new InformerEventSource<>(InformerEventSourceConfiguration.from(Lease.class, OverwatchRun.class)
        .withLabelSelector(Names.MANAGED_BY + "=" + Names.MANAGED_BY_VALUE + "," + Names.COMPONENT + "=active-run")
        .withSecondaryToPrimaryMapper(l -> runsOf(ctx.getPrimaryCache(), l.getMetadata().getNamespace(),
            l.getMetadata().getAnnotations() == null ? "" : l.getMetadata().getAnnotations().getOrDefault(Names.DEPLOYMENT, "")))
        .withPrimaryToSecondaryMapper((OverwatchRun r) -> r.getSpec() == null || r.getSpec().deploymentRef == null ? Set.of()
            : Set.of(new ResourceID(Names.activeLease(r.getSpec().deploymentRef.name), r.getMetadata().getNamespace())))
        .build(), ctx);
    return List.of(pods, deployments, leases);
  }

  private static Set<ResourceID> runsOf(IndexedResourceCache<OverwatchRun> cache, String ns, String deployment) {
    return cache.byIndex(BY_DEPLOYMENT, deploymentKey(ns, deployment)).stream()
        .filter(r -> r.getStatus() == null || !TERMINAL.contains(r.getStatus().phase))
        .map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  @Override
  public UpdateControl<OverwatchRun> reconcile(OverwatchRun run, Context<OverwatchRun> ctx) {
    if (run.getStatus() == null) {
      run.setStatus(new OverwatchRunStatus());
    }
    String before = Serialization.asJson(run.getStatus());
    Step step = new Step(run, ctx, clock.instant());
    Optional<Duration> again = step.run();
    run.getStatus().observedGeneration = run.getMetadata().getGeneration();
    if (!before.equals(Serialization.asJson(run.getStatus()))) {
      try {
        // PUT with the resourceVersion we read: on an API server a reconcile that saw a stale copy fails
        // here (409) instead of overwriting newer state such as the runId...
        OverwatchRun written = ctx.getClient().resource(run).updateStatus();
        // ...and the next reconcile sees what we wrote, not the informer's older copy.
        ctx.eventSourceRetriever().getControllerEventSource().handleRecentResourceUpdate(ResourceID.fromResource(run), written, run);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        LOG.debugf("run %s/%s changed meanwhile; reconciling again", run.getMetadata().getNamespace(), run.getMetadata().getName());
        return UpdateControl.<OverwatchRun>noUpdate().rescheduleAfter(Duration.ofMillis(500));
      }
    }
    step.afterCommit.forEach(Runnable::run); // events and metrics only for transitions that were persisted
    UpdateControl<OverwatchRun> control = UpdateControl.noUpdate();
    again.ifPresent(control::rescheduleAfter);
    return control;
  }

  /** One reconcile of one run: a small state machine over the persisted status. */
  private final class Step {
    final OverwatchRun run;
    final OverwatchRunStatus st;
    final Context<OverwatchRun> ctx;
    final KubernetesClient client;
    final Instant now;
    final String ns;
    final List<Runnable> afterCommit = new ArrayList<>();

    Step(OverwatchRun run, Context<OverwatchRun> ctx, Instant now) {
      this.run = run;
      this.st = run.getStatus();
      this.ctx = ctx;
      this.client = ctx.getClient();
      this.now = now;
      this.ns = run.getMetadata().getNamespace();
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

    Optional<Duration> run() {
      if (st.phase != null && TERMINAL.contains(st.phase)) {
        releaseSlot();
        if (CANCELLED.equals(st.phase)) {
          deleteLivePods();
        }
        return Optional.empty();
      }
      List<Problem> problems = Validation.run(run.getSpec());
      if (!problems.isEmpty()) {
        // A run's spec is immutable, so an invalid run can never become valid: fail it once.
        finish(FAILED, problems.get(0).reason(), Validation.message(problems));
        return Optional.empty();
      }
      if (st.runId == null) {
        st.runId = newRunId();
        st.phase = PENDING;
        st.message = "waiting to start";
        Conditions.set(st.conditions, "Succeeded", "Unknown", PENDING, st.message, generation(), now);
        metric(() -> metrics.runPhase(PENDING));
        event("Normal", "Created", "run " + st.runId + " created");
        // No return: starting persists runId and snapshotTime in the same status write, and pods
        // are only created by a later reconcile that reads them back from the status.
      }
      if (Boolean.TRUE.equals(run.getSpec().cancel)) {
        deleteLivePods();
        st.layers.stream().filter(l -> !TERMINAL.contains(l.phase)).forEach(l -> {
          l.phase = CANCELLED;
          l.endTime = Times.format(now);
        });
        finish(CANCELLED, "Cancelled", "cancelled by spec.cancel");
        return Optional.empty();
      }
      return PENDING.equals(st.phase) ? pending() : running();
    }

    Optional<Duration> pending() {
      String depName = run.getSpec().deploymentRef.name;
      OverwatchDeployment d = deployment().orElse(null);
      if (d == null) {
        return wait("DeploymentNotFound", "OverwatchDeployment " + depName + " not found in namespace " + ns, settings.recheckInterval());
      }
      if (!isReady(d)) {
        String why = Conditions.get(d.getStatus() == null ? null : d.getStatus().conditions, "Ready")
            .map(c -> c.getReason() + ": " + c.getMessage()).orElse("not reconciled yet");
        return wait("DeploymentNotReady", "OverwatchDeployment " + depName + " is not ready (" + why + ")", null);
      }
      Optional<OverwatchRun> ahead = ctx.getPrimaryCache().byIndex(BY_DEPLOYMENT, deploymentKey(ns, depName)).stream()
          .filter(r -> !r.getMetadata().getName().equals(run.getMetadata().getName()))
          .filter(r -> r.getStatus() != null && r.getStatus().phase != null && !TERMINAL.contains(r.getStatus().phase))
          .filter(r -> RUNNING.equals(r.getStatus().phase) || olderThan(r, run))
          .min(RunReconciler::byAge);
      if (ahead.isPresent()) {
        return wait("Queued", "waiting for run " + ahead.get().getMetadata().getName() + " (at most one active run per deployment)", settings.recheckInterval());
      }
      Optional<String> holder = acquireSlot(depName);
      if (holder.isPresent()) {
        return wait("Queued", "waiting for run " + holder.get() + " (at most one active run per deployment)", settings.recheckInterval());
      }
      st.phase = RUNNING;
      st.startTime = Times.format(now);
      st.snapshotTime = run.getSpec().snapshotTime != null
          ? Times.format(OffsetDateTime.parse(run.getSpec().snapshotTime).toInstant()) : Times.format(now);
      st.layers = new ArrayList<>();
      for (String layer : Validation.layers(run.getSpec())) {
        LayerStatus l = new LayerStatus();
        l.name = layer;
        l.phase = PENDING;
        l.attempts = 0;
        st.layers.add(l);
      }
      st.currentLayer = st.layers.get(0).name;
      st.message = "started";
      Conditions.set(st.conditions, "Succeeded", "Unknown", RUNNING, "run started", generation(), now);
      Conditions.set(st.conditions, "Running", "True", "Started", "run started", generation(), now);
      metric(() -> metrics.runPhase(RUNNING));
      event("Normal", "Started", "run started with snapshot time " + st.snapshotTime);
      return Optional.empty();
    }

    Optional<Duration> running() {
      LayerStatus layer = st.layers.stream().filter(l -> !SUCCEEDED.equals(l.phase)).findFirst().orElse(null);
      if (layer == null) {
        finish(SUCCEEDED, "Succeeded", "all layers succeeded");
        return Optional.empty();
      }
      st.currentLayer = layer.name;
      OverwatchDeployment frozen = frozenDeployment();
      if (frozen == null) {
        finish(FAILED, "DeploymentNotFound", "OverwatchDeployment " + run.getSpec().deploymentRef.name + " was deleted before the run's inputs were frozen");
        return Optional.empty();
      }
      RetrySpec retry = retry(frozen);
      return switch (layer.phase) {
        case PENDING -> launch(frozen, layer, 1, retry);
        case RETRYING -> {
          Instant next = Times.parse(layer.nextAttemptTime);
          yield next != null && now.isBefore(next) ? Optional.of(Times.until(now, next)) : launch(frozen, layer, layer.attempts + 1, retry);
        }
        default -> observe(frozen, layer, retry);
      };
    }

    Optional<Duration> launch(OverwatchDeployment frozen, LayerStatus layer, int attempt, RetrySpec retry) {
      Pod desired = Resources.driverPod(new Resources.Launch(frozen, run, layer.name, attempt, settings.defaultImage()));
      String name = desired.getMetadata().getName();
      Pod pod = cachedPod(name).orElse(null);
      boolean created = false;
      if (pod == null) {
        try {
          pod = client.pods().inNamespace(ns).resource(desired).create();
          created = true;
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409) {
            throw e;
          }
          pod = client.pods().inNamespace(ns).withName(name).get(); // created by a predecessor: adopt it
        }
      }
      if (pod != null && !ownedByRun(pod)) {
        layer.message = "pod " + name + " exists but belongs to another owner; waiting for it to be deleted";
        return Optional.of(settings.recheckInterval());
      }
      layer.attempts = attempt;
      layer.phase = RUNNING;
      layer.pod = name;
      layer.nextAttemptTime = null;
      layer.endTime = null;
      layer.startTime = created || pod == null || pod.getMetadata().getCreationTimestamp() == null
          ? Times.format(now) : pod.getMetadata().getCreationTimestamp();
      layer.message = (created ? "driver pod created" : "driver pod adopted") + " (attempt " + attempt + ")";
      st.message = "layer " + layer.name + " running";
      if (created) {
        if (attempt == 1 && layer == st.layers.get(0) && run.getMetadata().getCreationTimestamp() != null) {
          metric(() -> metrics.launchLatency(Duration.between(Times.parse(run.getMetadata().getCreationTimestamp()), clock.instant())));
        }
        if (attempt > 1) {
          metric(() -> metrics.retry(layer.name));
        }
        event("Normal", "LayerStarted", "layer " + layer.name + " attempt " + attempt + ": driver pod " + name);
      }
      return timeoutCheck(layer, retry);
    }

    Optional<Duration> observe(OverwatchDeployment frozen, LayerStatus layer, RetrySpec retry) {
      Pod pod = cachedPod(layer.pod).orElse(null);
      if (pod == null) {
        Instant started = Times.parse(layer.startTime);
        Duration grace = settings.podGracePeriod();
        if (started != null && now.isBefore(started.plus(grace))) {
          return Optional.of(Times.until(now, started.plus(grace)));
        }
        pod = client.pods().inNamespace(ns).withName(layer.pod).get(); // live check before declaring it missing
        if (pod == null) {
          return attemptFailed(layer, retry, "driver pod " + layer.pod + " disappeared");
        }
      }
      if (!ownedByRun(pod)) {
        return attemptFailed(layer, retry, "driver pod " + layer.pod + " was replaced by a pod of another owner");
      }
      String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
      Optional<ContainerStateTerminated> term = terminated(pod);
      if (SUCCEEDED.equals(phase)) {
        Optional<DriverSummary> summary = term.map(ContainerStateTerminated::getMessage).flatMap(DriverSummary::parse);
        summary.ifPresent(this::mergeModules);
        layer.phase = SUCCEEDED;
        layer.endTime = Times.format(now);
        layer.message = summary.map(s -> s.modules().size() + " modules, " + s.rowsWritten() + " rows").orElse("succeeded (no summary)");
        metric(() -> metrics.layerDuration(layer.name, "succeeded", elapsed(layer)));
        summary.ifPresent(s -> metric(() -> metrics.rowsWritten(layer.name, s.rowsWritten())));
        event("Normal", "LayerSucceeded", "layer " + layer.name + ": " + layer.message);
        return Optional.empty();
      }
      if (FAILED.equals(phase)) {
        Optional<DriverSummary> summary = term.map(ContainerStateTerminated::getMessage).flatMap(DriverSummary::parse);
        summary.ifPresent(this::mergeModules);
        String why = summary.map(s -> failedModules(s)).orElseGet(() -> term
            .map(t -> "exit code " + t.getExitCode() + (t.getReason() == null ? "" : " (" + t.getReason() + ")")).orElse("pod failed"));
        return attemptFailed(layer, retry, why);
      }
      return timeoutCheck(layer, retry);
    }

    /** Timeouts are a reschedule at the deadline, not polling. */
    Optional<Duration> timeoutCheck(LayerStatus layer, RetrySpec retry) {
      if (retry.layerTimeoutSeconds == null) {
        return Optional.empty();
      }
      Instant deadline = Times.parse(layer.startTime).plusSeconds(retry.layerTimeoutSeconds);
      if (now.isBefore(deadline)) {
        return Optional.of(Times.until(now, deadline));
      }
      client.pods().inNamespace(ns).withName(layer.pod).delete();
      return attemptFailed(layer, retry, "timed out after " + retry.layerTimeoutSeconds + "s");
    }

    Optional<Duration> attemptFailed(LayerStatus layer, RetrySpec retry, String why) {
      metric(() -> metrics.layerDuration(layer.name, "failed", elapsed(layer)));
      int max = retry.maxAttempts == null ? 1 : retry.maxAttempts;
      if (layer.attempts < max) {
        long base = retry.backoffSeconds == null ? 0 : retry.backoffSeconds;
        Duration backoff = Duration.ofSeconds(base).multipliedBy(1L << Math.min(20, layer.attempts - 1));
        backoff = backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
        layer.phase = RETRYING;
        layer.nextAttemptTime = Times.format(now.plus(backoff));
        layer.message = "attempt " + layer.attempts + " failed: " + why + "; retrying in " + backoff.toSeconds() + "s";
        st.message = "layer " + layer.name + " retrying";
        event("Warning", "LayerRetrying", "layer " + layer.name + ": " + layer.message);
        return Optional.of(backoff.isZero() ? Duration.ofMillis(1) : backoff);
      }
      layer.phase = FAILED;
      layer.endTime = Times.format(now);
      layer.message = "attempt " + layer.attempts + " failed: " + why;
      event("Warning", "LayerFailed", "layer " + layer.name + ": " + layer.message + " (no attempts left)");
      finish(FAILED, "LayerFailed", "layer " + layer.name + " failed after " + layer.attempts + " attempt(s): " + why);
      return Optional.empty();
    }

    void finish(String phase, String reason, String message) {
      if (st.runId == null) {
        st.runId = newRunId();
      }
      st.phase = phase;
      st.message = message;
      st.completionTime = Times.format(now);
      Conditions.set(st.conditions, "Succeeded", SUCCEEDED.equals(phase) ? "True" : "False", reason, message, generation(), now);
      Conditions.set(st.conditions, "Failed", FAILED.equals(phase) ? "True" : "False", reason, message, generation(), now);
      if (CANCELLED.equals(phase)) {
        Conditions.set(st.conditions, "Cancelled", "True", reason, message, generation(), now);
      }
      Conditions.set(st.conditions, "Running", "False", reason, message, generation(), now);
      metric(() -> metrics.runPhase(phase));
      event(SUCCEEDED.equals(phase) ? "Normal" : "Warning", phase, message);
      releaseSlot();
    }

    Optional<Duration> wait(String reason, String message, Duration recheck) {
      st.phase = PENDING;
      st.message = message;
      Conditions.set(st.conditions, "Succeeded", "Unknown", reason, message, generation(), now);
      return Optional.ofNullable(recheck);
    }

    void mergeModules(DriverSummary s) {
      for (ModuleSummary m : s.modules()) {
        st.modules.removeIf(x -> Objects.equals(x.id, m.id) && Objects.equals(x.workspace, m.workspace) && Objects.equals(x.name, m.name));
        if (st.modules.size() < OverwatchRunStatus.MAX_MODULES) {
          st.modules.add(m);
        } else {
          st.modulesTruncated = true;
        }
      }
      if (s.truncated()) {
        st.modulesTruncated = true;
      }
    }

    String failedModules(DriverSummary s) {
      List<String> failed = s.modules().stream().filter(m -> "FAILED".equals(m.status)).map(m -> m.name).limit(10).toList();
      return failed.isEmpty() ? "driver reported " + s.status() : "modules failed: " + String.join(", ", failed);
    }

    /** The deployment as frozen into the run's ConfigMap at the first launch. */
    OverwatchDeployment frozenDeployment() {
      String cmName = Names.runConfigMap(run.getMetadata().getName());
      ConfigMap cm = client.configMaps().inNamespace(ns).withName(cmName).get();
      if (cm == null) {
        OverwatchDeployment d = deployment().orElse(null);
        if (d == null) {
          return null;
        }
        cm = Resources.runConfigMap(d, run);
        try {
          client.configMaps().inNamespace(ns).resource(cm).create();
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409) {
            throw e;
          }
          cm = client.configMaps().inNamespace(ns).withName(cmName).get();
        }
      }
      return Serialization.unmarshal(cm.getData().get("deployment.yaml"), OverwatchDeployment.class);
    }

    Optional<OverwatchDeployment> deployment() {
      return ctx.getSecondaryResource(OverwatchDeployment.class);
    }

    Optional<Pod> cachedPod(String name) {
      return ctx.getSecondaryResources(Pod.class).stream().filter(p -> p.getMetadata().getName().equals(name)).findFirst();
    }

    boolean ownedByRun(HasMetadata pod) {
      return pod.getMetadata().getOwnerReferences() != null && pod.getMetadata().getOwnerReferences().stream()
          .anyMatch(o -> Objects.equals(o.getUid(), run.getMetadata().getUid()));
    }

    void deleteLivePods() {
      for (Pod p : ctx.getSecondaryResources(Pod.class)) {
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        if (!SUCCEEDED.equals(phase) && !FAILED.equals(phase) && ownedByRun(p)) {
          client.pods().inNamespace(ns).withName(p.getMetadata().getName()).delete();
        }
      }
    }

    /** The per-deployment slot is a Lease: create is atomic on the API server, even across replicas. */
    Optional<String> acquireSlot(String deployment) {
      String leaseName = Names.activeLease(deployment);
      Lease lease = new LeaseBuilder()
          .withNewMetadata()
            .withName(leaseName).withNamespace(ns)
            .withLabels(Map.of(Names.MANAGED_BY, Names.MANAGED_BY_VALUE, Names.COMPONENT, "active-run"))
            .withAnnotations(Map.of(Names.DEPLOYMENT, deployment))
            .withOwnerReferences(Resources.ownerOf(run))
          .endMetadata()
          .withNewSpec().withHolderIdentity(run.getMetadata().getName()).endSpec()
          .build();
      try {
        client.leases().inNamespace(ns).resource(lease).create();
        return Optional.empty();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
      Lease existing = client.leases().inNamespace(ns).withName(leaseName).get();
      if (existing == null) {
        return Optional.of("(slot just released)");
      }
      String holder = existing.getSpec() == null ? null : existing.getSpec().getHolderIdentity();
      if (run.getMetadata().getName().equals(holder)) {
        return Optional.empty();
      }
      OverwatchRun holderRun = ctx.getPrimaryCache().get(new ResourceID(String.valueOf(holder), ns)).orElse(null);
      if (holderRun == null || holderRun.getStatus() == null || TERMINAL.contains(holderRun.getStatus().phase)) {
        LOG.infof("releasing stale slot of deployment %s/%s held by %s", ns, deployment, holder);
        client.leases().inNamespace(ns).withName(leaseName).delete();
      }
      return Optional.of(String.valueOf(holder));
    }

    void releaseSlot() {
      if (run.getSpec() == null || run.getSpec().deploymentRef == null) {
        return;
      }
      ctx.getSecondaryResource(Lease.class)
          .filter(l -> l.getSpec() != null && run.getMetadata().getName().equals(l.getSpec().getHolderIdentity()))
          .ifPresent(l -> client.leases().inNamespace(ns).withName(l.getMetadata().getName()).delete());
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

    Long generation() {
      return run.getMetadata().getGeneration();
    }

    void event(String type, String reason, String message) {
      afterCommit.add(() -> EventRecorder.record(client, run, type, reason, message, now));
    }

    void metric(Runnable r) {
      afterCommit.add(r);
    }
  }

  static boolean isReady(OverwatchDeployment d) {
    return d.getStatus() != null && Objects.equals(d.getStatus().observedGeneration, d.getMetadata().getGeneration())
        && Conditions.isTrue(d.getStatus().conditions, "Ready");
  }

  static Optional<ContainerStateTerminated> terminated(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(c -> Resources.CONTAINER.equals(c.getName()))
        .map(ContainerStatus::getState)
        .filter(s -> s != null && s.getTerminated() != null)
        .map(s -> s.getTerminated())
        .findFirst();
  }

  static boolean olderThan(OverwatchRun a, OverwatchRun b) {
    return byAge(a, b) < 0;
  }

  static int byAge(OverwatchRun a, OverwatchRun b) {
    return Comparator.comparing((OverwatchRun r) -> String.valueOf(r.getMetadata().getCreationTimestamp()))
        .thenComparing(r -> r.getMetadata().getName()).compare(a, b);
  }

  private String newRunId() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
