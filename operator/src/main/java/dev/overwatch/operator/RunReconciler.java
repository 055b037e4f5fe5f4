package dev.overwatch.operator;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchRun;
import dev.overwatch.api.v1alpha1.OverwatchRunStatus;
import dev.overwatch.api.v1alpha1.OverwatchRunStatus.LayerStatus;
import dev.overwatch.api.v1alpha1.RetrySpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Drives one OverwatchRun through its layers. Each reconcile reads the observed world (run status,
 * driver pods, lease), lets the run's current phase ({@link PendingPhase}, {@link LaunchPhase},
 * {@link RunningPhase}, {@link RetryingPhase}, {@link FinishingPhase}) take at most one step and
 * persists it in the status; names are deterministic, so a restarted operator finds and adopts what
 * its predecessor created.
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

  /** Whether a run or layer phase is final; a phase not written yet (null) is not. */
  static boolean terminal(String phase) {
    return phase != null && TERMINAL.contains(phase);
  }

  private static final Logger LOG = Logger.getLogger(RunReconciler.class);

  private final OperatorSettings settings;
  private final OperatorMetrics metrics;
  private final LaunchTimings timings;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final PendingPhase pending = new PendingPhase();
  private final LaunchPhase launch = new LaunchPhase(random);

  @Inject
  public RunReconciler(OperatorSettings settings, OperatorMetrics metrics, LaunchTimings timings, Clock clock) {
    this.settings = settings;
    this.metrics = metrics;
    this.timings = timings;
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
        // Our own create's ADD carries nothing to act on: one reconcile per launch less. A pod that is
        // already scheduled, running or ended when first seen (a relist after a lost watch) still wakes.
        .withOnAddFilter(p -> !DriverPodState.untouched(p))
        .build(), ctx);
    var deployments = new InformerEventSource<>(InformerEventSourceConfiguration.from(OverwatchDeployment.class, OverwatchRun.class)
        .withSecondaryToPrimaryMapper(d -> runsOf(ctx.getPrimaryCache(), d.getMetadata().getNamespace(), d.getMetadata().getName()))
        .withPrimaryToSecondaryMapper((OverwatchRun r) -> r.getSpec() == null || r.getSpec().deploymentRef == null ? Set.of()
            : Set.of(new ResourceID(r.getSpec().deploymentRef.name, r.getMetadata().getNamespace())))
        // Runs care whether their deployment is Ready; its activeRun/lastRun bookkeeping (patched on every
        // run transition) would only wake all its runs for nothing.
        .withOnUpdateFilter((newer, older) -> isReady(newer) != isReady(older))
        .build(), ctx);
    // A released slot wakes the runs queued behind it; taking one (our own create: the run that took it
    // is mid-reconcile) wakes nobody, so it costs no reconcile of every run of the deployment per launch.
    var leases = new InformerEventSource<>(InformerEventSourceConfiguration.from(Lease.class, OverwatchRun.class)
        .withLabelSelector(Names.MANAGED_BY + "=" + Names.MANAGED_BY_VALUE + "," + Names.COMPONENT + "=active-run")
        .withOnAddFilter(l -> false)
        .withOnUpdateFilter((newer, older) -> false)
        .withSecondaryToPrimaryMapper(l -> runsOf(ctx.getPrimaryCache(), l.getMetadata().getNamespace(),
            l.getMetadata().getAnnotations() == null ? "" : l.getMetadata().getAnnotations().getOrDefault(Names.DEPLOYMENT, "")))
        .withPrimaryToSecondaryMapper((OverwatchRun r) -> r.getSpec() == null || r.getSpec().deploymentRef == null ? Set.of()
            : Set.of(new ResourceID(Names.activeLease(r.getSpec().deploymentRef.name), r.getMetadata().getNamespace())))
        .build(), ctx);
    // The runs' frozen inputs, cached: every reconcile of a running run reads them. A cache only: the
    // ConfigMap is immutable and created by the run's own reconcile, so its events would only cost a
    // reconcile per launch (a reader that misses it in the cache reads it live).
    var configMaps = new InformerEventSource<>(InformerEventSourceConfiguration.from(ConfigMap.class, OverwatchRun.class)
        .withLabelSelector(Names.MANAGED_BY + "=" + Names.MANAGED_BY_VALUE + "," + Names.RUN)
        .withGenericFilter(cm -> false)
        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(OverwatchRun.class))
        .build(), ctx);
    return List.of(pods, deployments, leases, configMaps);
  }

  private static Set<ResourceID> runsOf(IndexedResourceCache<OverwatchRun> cache, String ns, String deployment) {
    return cache.byIndex(BY_DEPLOYMENT, deploymentKey(ns, deployment)).stream()
        .filter(r -> r.getStatus() == null || !terminal(r.getStatus().phase))
        .map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  @Override
  public UpdateControl<OverwatchRun> reconcile(OverwatchRun run, Context<OverwatchRun> ctx) {
    LaunchLaps laps = new LaunchLaps();
    Persisted p = stepAndPersist(run, ctx, laps);
    // Events and metrics only for transitions that were persisted; one event for all of them (a launch
    // is Created, Started and LayerStarted in one reconcile: one API write instead of three).
    p.afterCommit().forEach(Runnable::run);
    EventRecorder.record(ctx.getClient(), run, p.transitions(), clock.instant());
    laps.lap("events");
    if (p.started() && p.written() != null && p.written().getStatus().layers.stream().anyMatch(l -> l.attempts != null && l.attempts > 0)) {
      timings.record(run.getMetadata().getNamespace() + "/" + run.getMetadata().getName(), laps);
    }
    UpdateControl<OverwatchRun> control = UpdateControl.noUpdate();
    p.again().ifPresent(control::rescheduleAfter);
    return control;
  }

  /** The outcome of one step: the resource as written (null: nothing written), when to look again, whether the run started. */
  private record Persisted(OverwatchRun written, Optional<Duration> again, boolean started, List<Runnable> afterCommit,
      List<EventRecorder.Transition> transitions) {}

  private Persisted stepAndPersist(OverwatchRun run, Context<OverwatchRun> ctx, LaunchLaps laps) {
    if (run.getStatus() == null) {
      run.setStatus(new OverwatchRunStatus());
    }
    String before = Serialization.asJson(run.getStatus());
    boolean wasPending = run.getStatus().phase == null || PENDING.equals(run.getStatus().phase);
    RunContext c = new RunContext(run, ctx, clock.instant(), settings, metrics, laps);
    Optional<Duration> again = step(c);
    boolean started = wasPending && RUNNING.equals(run.getStatus().phase);
    if (started) {
      // A run that just started launches its first driver before its one status write: the run
      // ConfigMap, created first, records runId and snapshot time for the pods, and a retry after a
      // failed write adopts them from it (RunContext.frozenDeployment). One write instead of two, and
      // no queue round trip through our own status event.
      RunContext launch = new RunContext(run, ctx, c.now, settings, metrics, laps);
      again = step(launch);
      c.afterCommit.addAll(launch.afterCommit);
      c.transitions.addAll(launch.transitions); // in order: Created, Started, LayerStarted
    }
    run.getStatus().observedGeneration = run.getMetadata().getGeneration();
    OverwatchRun written = null;
    boolean changed = !before.equals(Serialization.asJson(run.getStatus()));
    laps.lap("diff");
    if (changed) {
      try {
        // PUT with the resourceVersion we read: on an API server a reconcile that saw a stale copy fails
        // here (409) instead of overwriting newer state such as the runId...
        written = ctx.getClient().resource(run).updateStatus();
        // ...and the next reconcile sees what we wrote, not the informer's older copy.
        ctx.eventSourceRetriever().getControllerEventSource().handleRecentResourceUpdate(ResourceID.fromResource(run), written, run);
        laps.lap("status-write");
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        LOG.debugf("run %s/%s changed meanwhile; reconciling again", run.getMetadata().getNamespace(), run.getMetadata().getName());
        return new Persisted(null, Optional.of(Duration.ofMillis(500)), false, List.of(), List.of());
      }
    }
    return new Persisted(written, again, started, c.afterCommit, c.transitions);
  }

  /** Picks the phase of the run from its persisted status and lets it take one step. */
  private Optional<Duration> step(RunContext c) {
    OverwatchRunStatus st = c.st;
    if (terminal(st.phase)) {
      return FinishingPhase.finished(c);
    }
    List<Problem> problems = Validation.run(c.run.getSpec());
    c.laps.lap("validate");
    if (!problems.isEmpty()) {
      // A run's spec is immutable, so an invalid run can never become valid: fail it once.
      if (st.runId == null) {
        st.runId = newRunId();
      }
      c.finish(FAILED, problems.get(0).reason(), Validation.message(problems));
      return Optional.empty();
    }
    if (st.runId == null) {
      st.runId = newRunId();
      st.phase = PENDING;
      st.message = "waiting to start";
      Conditions.set(st.conditions, "Succeeded", "Unknown", PENDING, st.message, c.generation(), c.now);
      c.metric(() -> metrics.runPhase(PENDING));
      c.event("Normal", "Created", "run " + st.runId + " created");
      // No return: starting persists runId and snapshotTime in the same status write, and pods
      // are only created by a later reconcile that reads them back from the status.
    }
    if (Boolean.TRUE.equals(c.run.getSpec().cancel)) {
      return FinishingPhase.cancel(c);
    }
    if (PENDING.equals(st.phase)) {
      return pending.step(c);
    }
    LayerStatus layer = st.layers.stream().filter(l -> !SUCCEEDED.equals(l.phase)).findFirst().orElse(null);
    if (layer == null) {
      return FinishingPhase.succeeded(c);
    }
    st.currentLayer = layer.name;
    OverwatchDeployment frozen = c.frozenDeployment();
    c.laps.lap("configmap");
    if (frozen == null) {
      c.finish(FAILED, "DeploymentNotFound", "OverwatchDeployment " + c.run.getSpec().deploymentRef.name
          + " was deleted before the run's inputs were frozen");
      return Optional.empty();
    }
    RetrySpec retry = c.retry(frozen);
    return switch (layer.phase) {
      case PENDING -> launch.launch(c, frozen, layer, 1, retry);
      case RETRYING -> RetryingPhase.step(c, frozen, layer, retry, launch);
      default -> RunningPhase.observe(c, layer, retry);
    };
  }

  static boolean isReady(OverwatchDeployment d) {
    return d.getStatus() != null && Objects.equals(d.getStatus().observedGeneration, d.getMetadata().getGeneration())
        && Conditions.isTrue(d.getStatus().conditions, "Ready");
  }

  static boolean olderThan(OverwatchRun a, OverwatchRun b) {
    return byAge(a, b) < 0;
  }

  static int byAge(OverwatchRun a, OverwatchRun b) {
    // As instants, not strings: with fractional seconds "...00.12Z" sorts after "...00.123Z".
    return Comparator.comparing((OverwatchRun r) -> Times.parse(r.getMetadata().getCreationTimestamp()), Comparator.nullsLast(Comparator.naturalOrder()))
        .thenComparing(r -> r.getMetadata().getName()).compare(a, b);
  }

  private String newRunId() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
