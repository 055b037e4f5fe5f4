package dev.overwatch.operator;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.overwatch.api.v1alpha1.HistorySpec;
import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchDeploymentStatus;
import dev.overwatch.api.v1alpha1.OverwatchRun;
import dev.overwatch.api.v1alpha1.OverwatchRunSpec;
import dev.overwatch.api.v1alpha1.SecretKeyRef;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Validates a deployment, provisions the driver pods' ServiceAccount and RBAC, creates scheduled
 * runs and prunes run history. Runs themselves are driven by {@link RunReconciler}.
 */
@ControllerConfiguration(name = DeploymentReconciler.NAME)
public class DeploymentReconciler implements Reconciler<OverwatchDeployment> {
  public static final String NAME = "overwatchdeployment";
  private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private final OperatorSettings settings;
  private final Clock clock;
  /** When each deployment's Secrets and workload RBAC were last checked and found in place (this instance only). */
  private final Map<ResourceID, Verified> verified = new ConcurrentHashMap<>();

  private record Verified(String uid, Long generation, Instant at) {
    boolean matches(OverwatchDeployment d) {
      return Objects.equals(uid, d.getMetadata().getUid()) && Objects.equals(generation, d.getMetadata().getGeneration());
    }
  }

  @Inject
  public DeploymentReconciler(OperatorSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, OverwatchDeployment>> prepareEventSources(EventSourceContext<OverwatchDeployment> ctx) {
    // Run changes (started, finished, deleted) wake their deployment: history, activeRun, lastRun. Only
    // those: a run's creation (no status yet) and its layer-by-layer status writes would each cost the
    // deployment a reconcile and, with lastRun and activeRun set at different moments, a second status
    // patch per launch. The run's first status write (Pending or Running) sets both at once.
    var runs = new InformerEventSource<>(InformerEventSourceConfiguration.from(OverwatchRun.class, OverwatchDeployment.class)
        .withSecondaryToPrimaryMapper(r -> r.getSpec() == null || r.getSpec().deploymentRef == null ? Set.of()
            : Set.of(new ResourceID(r.getSpec().deploymentRef.name, r.getMetadata().getNamespace())))
        .withPrimaryToSecondaryMapper((OverwatchDeployment d) -> Set.of())
        .withOnAddFilter(r -> phase(r) != null)
        .withOnUpdateFilter(DeploymentReconciler::bookkeepingChanged)
        .build(), ctx);
    return List.of(runs);
  }

  private static String phase(OverwatchRun r) {
    return r.getStatus() == null ? null : r.getStatus().phase;
  }

  /** What the deployment's status is made of: the run's phase (activeRun, lastRun, history) and its succeeded layers (windows). */
  static boolean bookkeepingChanged(OverwatchRun newer, OverwatchRun older) {
    return !Objects.equals(phase(newer), phase(older)) || !succeededLayers(newer).equals(succeededLayers(older))
        || !Objects.equals(newer.getMetadata().getDeletionTimestamp(), older.getMetadata().getDeletionTimestamp());
  }

  private static List<String> succeededLayers(OverwatchRun r) {
    return r.getStatus() == null || r.getStatus().layers == null ? List.of()
        : r.getStatus().layers.stream().filter(l -> RunReconciler.SUCCEEDED.equals(l.phase)).map(l -> l.name).toList();
  }

  /**
   * When this deployment's Secrets and RBAC are next read: a timer at the end of the verify interval,
   * less up to a tenth of it by the deployment's UID, so that deployments verified together (a restart,
   * many created at once) spread their re-reads instead of paying them all in one reconcile each.
   */
  Instant verifyDue(Verified v) {
    long spread = settings.verifyInterval().toMillis() / 10;
    long jitter = spread == 0 ? 0 : Math.floorMod(Objects.hashCode(v.uid()), spread);
    return v.at().plus(settings.verifyInterval()).minusMillis(jitter);
  }

  @Override
  @SuppressWarnings("unchecked")
  public UpdateControl<OverwatchDeployment> reconcile(OverwatchDeployment d, Context<OverwatchDeployment> ctx) {
    Instant now = clock.instant();
    if (d.getStatus() == null) {
      d.setStatus(new OverwatchDeploymentStatus());
    }
    OverwatchDeploymentStatus st = d.getStatus();
    if (st.conditions == null) {
      st.conditions = new ArrayList<>();
    }
    String before = Serialization.asJson(st);
    KubernetesClient client = ctx.getClient();
    String ns = d.getMetadata().getNamespace();
    Long gen = d.getMetadata().getGeneration();
    Optional<Duration> again = Optional.empty();

    InformerEventSource<OverwatchRun, OverwatchDeployment> runSource =
        (InformerEventSource<OverwatchRun, OverwatchDeployment>) ctx.eventSourceRetriever().getEventSourceFor(OverwatchRun.class);
    Predicate<OverwatchRun> mine = r -> r.getSpec() != null && r.getSpec().deploymentRef != null
        && d.getMetadata().getName().equals(r.getSpec().deploymentRef.name);
    List<OverwatchRun> runs = runSource.list(ns, mine).toList();

    List<Problem> problems = Validation.deployment(d.getSpec(), settings.policy());
    // Run transitions wake the deployment too (history, activeRun); a spec verified Ready needs no new
    // Secret and RBAC round trips for that: they are re-read by a timer at verifyDue, never on a run's wake.
    ResourceID id = ResourceID.fromResource(d);
    Verified v = verified.get(id);
    boolean fresh = problems.isEmpty() && v != null && v.matches(d) && now.isBefore(verifyDue(v))
        && Conditions.isTrue(st.conditions, "Ready");
    if (problems.isEmpty() && !fresh) {
      problems = secretProblems(client, ns, d);
      if (!problems.isEmpty()) {
        again = Optional.of(settings.recheckInterval()); // Secrets are not watched (least privilege: get only)
      }
    }
    if (problems.isEmpty() && !fresh) {
      problems = new ArrayList<>();
      for (HasMetadata desired : List.of(Resources.workloadServiceAccount(d), Resources.workloadRole(d), Resources.workloadRoleBinding(d))) {
        ensure(client, desired, d).ifPresent(problems::add);
      }
      if (!problems.isEmpty()) {
        again = Optional.of(settings.recheckInterval()); // someone else's object: look again after it is removed
      }
    }
    if (problems.isEmpty() && !fresh) {
      verified.values().removeIf(x -> now.isAfter(x.at().plus(settings.verifyInterval()))); // deleted deployments too
      verified.put(id, new Verified(d.getMetadata().getUid(), gen, now));
    } else if (!problems.isEmpty()) {
      verified.remove(id);
    }
    if (problems.isEmpty()) {
      Duration untilVerify = Times.until(now, verifyDue(verified.get(id)));
      if (again.isEmpty() || untilVerify.compareTo(again.get()) < 0) {
        again = Optional.of(untilVerify);
      }
      Conditions.set(st.conditions, "Ready", "True", "Ready", "deployment valid, Secrets present, workload RBAC in place", gen, now);
    } else {
      Conditions.set(st.conditions, "Ready", "False", problems.get(0).reason(), Validation.message(problems), gen, now);
    }

    Optional<Duration> next = problems.isEmpty() ? schedule(d, st, client, now, runs) : Optional.empty();
    if (next.isPresent() && (again.isEmpty() || next.get().compareTo(again.get()) < 0)) {
      again = next;
    }
    if (!problems.isEmpty() || d.getSpec().schedule == null) {
      st.nextRun = null;
      Conditions.set(st.conditions, "Scheduled", "False", d.getSpec() != null && d.getSpec().schedule == null ? "NoSchedule" : "NotReady",
          d.getSpec() != null && d.getSpec().schedule == null ? "no schedule; runs are created by hand" : "deployment is not ready", gen, now);
    }

    Optional<Duration> expiry = history(client, d, runs, now);
    if (expiry.isPresent() && (again.isEmpty() || expiry.get().compareTo(again.get()) < 0)) {
      again = expiry;
    }
    st.activeRun = runs.stream().filter(r -> r.getStatus() != null && RunReconciler.RUNNING.equals(r.getStatus().phase))
        .map(r -> r.getMetadata().getName()).findFirst().orElse(null);
    st.lastRun = runs.stream().max(RunReconciler::byAge).map(r -> r.getMetadata().getName()).orElse(st.lastRun);
    Map<String, String> windows = new LinkedHashMap<>(st.lastSuccessfulWindow == null ? Map.of() : st.lastSuccessfulWindow);
    for (OverwatchRun r : runs) {
      if (r.getStatus() == null || r.getStatus().layers == null || r.getStatus().snapshotTime == null) {
        continue;
      }
      r.getStatus().layers.stream().filter(l -> RunReconciler.SUCCEEDED.equals(l.phase))
          .forEach(l -> windows.merge(l.name, r.getStatus().snapshotTime, (a, b) -> Times.parse(a).isAfter(Times.parse(b)) ? a : b));
    }
    st.lastSuccessfulWindow = windows;
    st.observedGeneration = gen;

    boolean changed = !before.equals(Serialization.asJson(st));
    UpdateControl<OverwatchDeployment> control = changed ? UpdateControl.patchStatus(d) : UpdateControl.noUpdate();
    again.ifPresent(control::rescheduleAfter);
    return control;
  }

  /**
   * At the most recent due time: creates its run, or skips it as the concurrency policy and starting
   * deadline say. Older due times missed meanwhile (operator down) collapse into it and are reported.
   */
  Optional<Duration> schedule(OverwatchDeployment d, OverwatchDeploymentStatus st, KubernetesClient client, Instant now, List<OverwatchRun> runs) {
    var schedule = d.getSpec().schedule;
    if (schedule == null) {
      return Optional.empty();
    }
    Long gen = d.getMetadata().getGeneration();
    boolean suspended = Boolean.TRUE.equals(d.getSpec().suspend);
    ZoneId zone = ZoneId.of(schedule.timeZone == null ? "UTC" : schedule.timeZone);
    ExecutionTime et = ExecutionTime.forCron(CRON.parse(schedule.cron));
    ZonedDateTime nowZ = now.atZone(zone);
    Instant since = st.lastScheduleTime != null ? Times.parse(st.lastScheduleTime)
        : Times.parse(d.getMetadata().getCreationTimestamp() == null ? Times.format(now) : d.getMetadata().getCreationTimestamp());
    Optional<ZonedDateTime> due = et.lastExecution(nowZ.plusSeconds(1)).filter(t -> t.toInstant().isAfter(since));
    if (due.isPresent()) {
      Instant at = due.get().toInstant();
      st.lastScheduleTime = Times.format(at);
      String runName = Names.scheduledRun(d.getMetadata().getName(), at.getEpochSecond() / 60);
      // The run of this due time exists: it was decided already (a reconcile that read an older status).
      boolean decided = runs.stream().anyMatch(r -> r.getMetadata().getName().equals(runName)) || Times.format(at).equals(st.lastMissedSchedule);
      long collapsed = suspended || decided ? 0 : ticksBetween(et, since.atZone(zone), due.get());
      if (collapsed > 0) {
        Instant lastCollapsed = et.lastExecution(due.get()).map(ZonedDateTime::toInstant).orElse(at);
        missed(client, d, st, collapsed, lastCollapsed, collapsed + " earlier scheduled time(s) passed while"
            + " the operator was not reconciling; they collapse into the run of " + Times.format(at), now);
      }
      List<OverwatchRun> unfinished = runs.stream().filter(r -> r.getStatus() == null || !RunReconciler.terminal(r.getStatus().phase)).toList();
      ScheduleDecision decision = suspended || decided ? null : ScheduleDecision.decide(schedule, at, now, unfinished);
      if (decision != null && !decision.create()) {
        missed(client, d, st, 1, at, "scheduled time " + Times.format(at) + " skipped: " + decision.skipReason(), now);
      } else if (decision != null) {
        for (String name : decision.cancel()) {
          client.resources(OverwatchRun.class).inNamespace(d.getMetadata().getNamespace()).withName(name).edit(r -> {
            r.getSpec().cancel = true;
            return r;
          });
          EventRecorder.record(client, d, "Normal", "RunReplaced", "cancelled run " + name + " for the run of " + Times.format(at)
              + " (concurrencyPolicy Replace)", now);
        }
        createScheduledRun(client, d, at, now);
      }
    }
    Optional<ZonedDateTime> next = et.nextExecution(nowZ);
    st.nextRun = suspended ? null : next.map(t -> Times.format(t.toInstant())).orElse(null);
    if (suspended) {
      Conditions.set(st.conditions, "Scheduled", "False", "Suspended", "schedule suspended (spec.suspend)", gen, now);
    } else {
      Conditions.set(st.conditions, "Scheduled", "True", "Scheduled", "next run at " + st.nextRun
          + (st.lastMissedReason == null ? "" : "; last missed: " + st.lastMissedReason), gen, now);
    }
    return next.map(t -> Times.until(now, t.toInstant().plusMillis(50)));
  }

  private static void createScheduledRun(KubernetesClient client, OverwatchDeployment d, Instant at, Instant now) {
    OverwatchRun run = new OverwatchRun();
    run.setMetadata(new ObjectMetaBuilder()
        .withName(Names.scheduledRun(d.getMetadata().getName(), at.getEpochSecond() / 60))
        .withNamespace(d.getMetadata().getNamespace())
        .withLabels(Map.of(Names.DEPLOYMENT, Names.labelValue(d.getMetadata().getName()), Names.MANAGED_BY, Names.MANAGED_BY_VALUE))
        .withAnnotations(Map.of(Names.SCHEDULED_TIME, Times.format(at)))
        .withOwnerReferences(Resources.ownerOf(d))
        .build());
    run.setSpec(new OverwatchRunSpec());
    run.getSpec().deploymentRef = new OverwatchRunSpec.DeploymentRef(d.getMetadata().getName());
    try {
      client.resource(run).create();
      EventRecorder.record(client, d, "Normal", "RunScheduled", "created run " + run.getMetadata().getName() + " for " + Times.format(at), now);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) { // 409: created before a restart; deterministic names make it idempotent
        throw e;
      }
    }
  }

  private static void missed(KubernetesClient client, OverwatchDeployment d, OverwatchDeploymentStatus st, long count, Instant at,
      String reason, Instant now) {
    st.missedSchedules = (st.missedSchedules == null ? 0 : st.missedSchedules) + count;
    st.lastMissedSchedule = Times.format(at);
    st.lastMissedReason = reason;
    EventRecorder.record(client, d, "Warning", "MissedSchedule", reason, now);
  }

  /** Scheduled times strictly between two due times (bounded: a schedule every minute for a week is 10080). */
  static long ticksBetween(ExecutionTime et, ZonedDateTime after, ZonedDateTime before) {
    long n = 0;
    Optional<ZonedDateTime> t = et.nextExecution(after);
    while (t.isPresent() && t.get().isBefore(before) && n < 100_000) {
      n++;
      t = et.nextExecution(t.get());
    }
    return n;
  }

  /**
   * Deletes the oldest finished runs beyond the history limits, and finished runs older than the TTL
   * (their pods, ConfigMaps and Secrets go with them through owner references). Returns when the next
   * run expires.
   */
  Optional<Duration> history(KubernetesClient client, OverwatchDeployment d, List<OverwatchRun> runs, Instant now) {
    HistorySpec h = d.getSpec() == null || d.getSpec().history == null ? new HistorySpec() : d.getSpec().history;
    prune(client, runs, Set.of(RunReconciler.SUCCEEDED), h.successfulRunsLimit == null ? 3 : h.successfulRunsLimit);
    prune(client, runs, Set.of(RunReconciler.FAILED, RunReconciler.CANCELLED), h.failedRunsLimit == null ? 3 : h.failedRunsLimit);
    if (h.ttlSecondsAfterFinished == null) {
      return Optional.empty();
    }
    Optional<Instant> nextExpiry = Optional.empty();
    for (OverwatchRun r : runs) {
      Instant done = r.getStatus() == null || !RunReconciler.terminal(r.getStatus().phase) ? null : Times.parse(r.getStatus().completionTime);
      if (done == null) {
        continue;
      }
      Instant expiry = done.plusSeconds(h.ttlSecondsAfterFinished);
      if (!now.isBefore(expiry)) {
        client.resource(r).delete();
      } else if (nextExpiry.isEmpty() || expiry.isBefore(nextExpiry.get())) {
        nextExpiry = Optional.of(expiry);
      }
    }
    return nextExpiry.map(t -> Times.until(now, t.plusMillis(50)));
  }

  private static void prune(KubernetesClient client, List<OverwatchRun> runs, Set<String> phases, int keep) {
    List<OverwatchRun> finished = runs.stream()
        .filter(r -> r.getStatus() != null && phases.contains(r.getStatus().phase))
        .sorted(Comparator.comparing((OverwatchRun r) -> String.valueOf(r.getStatus().completionTime))
            .thenComparing(r -> r.getMetadata().getName()).reversed())
        .toList();
    for (OverwatchRun r : finished.subList(Math.min(keep, finished.size()), finished.size())) {
      client.resource(r).delete();
    }
  }

  /** Every referenced Secret must exist with its keys and, unless the operator allows any, be meant for the deployment. */
  private List<Problem> secretProblems(KubernetesClient client, String ns, OverwatchDeployment d) {
    List<Problem> problems = new ArrayList<>();
    String name = d.getMetadata().getName();
    SecurityRules.secretsReferenced(d.getSpec()).forEach((secretName, keys) -> {
      Secret s = client.secrets().inNamespace(ns).withName(secretName).get();
      if (s == null) {
        problems.add(new Problem("SecretNotFound", "Secret " + secretName + " not found in namespace " + ns));
        return;
      }
      if (settings.secretReferences() == OperatorSettings.SecretReferences.restricted && !SecurityRules.meantFor(s, name)) {
        problems.add(new Problem("SecretNotAllowed", "Secret " + secretName + " is not meant for deployment " + name + ": name it "
            + name + "-..., label it " + Names.DEPLOYMENT + "=" + name + " or annotate it " + SecurityRules.ALLOWED_DEPLOYMENTS + "=" + name));
        return;
      }
      for (String key : keys) {
        if ((s.getData() == null || !s.getData().containsKey(key)) && (s.getStringData() == null || !s.getStringData().containsKey(key))) {
          problems.add(new Problem("SecretKeyNotFound", "Secret " + secretName + " has no key " + key));
        }
      }
    });
    return problems;
  }

  /**
   * Create, or update when the desired object drifted (no server-side apply: see STACK.md). An object
   * of that name that this deployment does not own was made by someone else: never overwritten.
   */
  private static <T extends HasMetadata> Optional<Problem> ensure(KubernetesClient client, T desired, OverwatchDeployment owner) {
    T current = client.resource(desired).get();
    if (current != null && (current.getMetadata().getOwnerReferences() == null || current.getMetadata().getOwnerReferences().stream()
        .noneMatch(o -> Objects.equals(o.getUid(), owner.getMetadata().getUid())))) {
      return Optional.of(new Problem("ResourceConflict", current.getKind() + " " + current.getMetadata().getName()
          + " exists and was not created by this deployment; the operator does not overwrite it (delete it, or rename the deployment)"));
    }
    if (current == null) {
      try {
        client.resource(desired).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
    } else if (!Objects.equals(strip(current), strip(desired))) {
      desired.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
      client.resource(desired).update();
    }
    return Optional.empty();
  }

  private static String strip(HasMetadata o) {
    Map<String, Object> m = Serialization.jsonMapper().convertValue(o, Map.class);
    m.remove("metadata");
    m.remove("status");
    return Serialization.asJson(m);
  }
}
