package dev.overwatch.operator;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a driver pod says about its attempt, read from the pod alone (pure): starting (with the
 * waiting reason, if the kubelet or scheduler gave one), running, succeeded or failed (with the
 * failure's class).
 */
record DriverPodState(Kind kind, String reason, String message, FailureClass failureClass, Optional<ContainerStateTerminated> terminated) {
  enum Kind { STARTING, RUNNING, SUCCEEDED, FAILED }

  /**
   * Configuration failures repeat identically on every attempt (fix the deployment, then resume);
   * infrastructure and application failures may pass, so they are retried with backoff.
   */
  enum FailureClass {
    CONFIGURATION("Configuration", false),
    INFRASTRUCTURE("Infrastructure", true),
    APPLICATION("Application", true);

    final String label;
    final boolean retried;

    FailureClass(String label, boolean retried) {
      this.label = label;
      this.retried = retried;
    }
  }

  /**
   * A pod nobody has acted on yet (no status, or Pending without conditions or container statuses:
   * what the API server returns for a pod just created): it tells its run nothing new, so its ADD
   * event need not wake the run that created it. The scheduler's and kubelet's updates do.
   */
  static boolean untouched(Pod pod) {
    var st = pod.getStatus();
    return st == null || (st.getPhase() == null || "Pending".equals(st.getPhase()))
        && (st.getConditions() == null || st.getConditions().isEmpty())
        && (st.getContainerStatuses() == null || st.getContainerStatuses().isEmpty())
        && st.getReason() == null;
  }

  /** Waiting reasons that only change when someone changes the image, a Secret or a ConfigMap. */
  static final Set<String> CONFIGURATION_WAITING = Set.of("ImagePullBackOff", "ErrImagePull", "InvalidImageName",
      "ErrImageNeverPull", "CreateContainerConfigError", "CreateContainerError");
  /** Waiting reasons that cannot resolve by waiting: fail at once rather than at the start deadline. */
  static final Set<String> HOPELESS_WAITING = Set.of("InvalidImageName", "ErrImageNeverPull");
  /** The job's command line answers a usage error with exit code 2 (DESIGN.md section 4). */
  static final int USAGE_EXIT_CODE = 2;

  static DriverPodState of(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    Optional<ContainerStatus> container = container(pod);
    Optional<ContainerStateTerminated> term = container.map(ContainerStatus::getState)
        .filter(s -> s.getTerminated() != null).map(s -> s.getTerminated());
    if ("Succeeded".equals(phase)) {
      return new DriverPodState(Kind.SUCCEEDED, "Completed", "succeeded", null, term);
    }
    if ("Failed".equals(phase)) {
      String podReason = pod.getStatus().getReason();
      if ("Evicted".equals(podReason) || "Preempting".equals(podReason) || "NodeLost".equals(podReason) || "Shutdown".equals(podReason)) {
        return failed(podReason, podReason.toLowerCase() + ": " + nz(pod.getStatus().getMessage()), FailureClass.INFRASTRUCTURE, term);
      }
      if (term.isPresent() && "OOMKilled".equals(term.get().getReason())) {
        // The same memory setting fails the same way: raise spark.driver.memory, then resume.
        return failed("OOMKilled", "driver ran out of memory (exit code " + term.get().getExitCode() + "; raise spark.driver.memory)",
            FailureClass.CONFIGURATION, term);
      }
      if (term.isPresent() && term.get().getExitCode() != null && term.get().getExitCode() == USAGE_EXIT_CODE) {
        return failed("UsageError", "the job refused its arguments or deployment (exit code 2)" + detail(term.get().getMessage()),
            FailureClass.CONFIGURATION, term);
      }
      String why = term.map(t -> "exit code " + t.getExitCode() + (t.getReason() == null ? "" : " (" + t.getReason() + ")")).orElse("pod failed");
      return failed("ExitCode", why, FailureClass.APPLICATION, term);
    }
    Optional<ContainerStateWaiting> waiting = container.map(ContainerStatus::getState).map(s -> s.getWaiting())
        .filter(w -> w.getReason() != null && !"ContainerCreating".equals(w.getReason()) && !"PodInitializing".equals(w.getReason()));
    if (waiting.isPresent()) {
      String r = waiting.get().getReason();
      FailureClass fc = CONFIGURATION_WAITING.contains(r) ? FailureClass.CONFIGURATION : FailureClass.INFRASTRUCTURE;
      return new DriverPodState(Kind.STARTING, r, r + detail(waiting.get().getMessage()), fc, Optional.empty());
    }
    Optional<PodCondition> unschedulable = conditions(pod).stream()
        .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())).findFirst();
    if (unschedulable.isPresent()) {
      String r = unschedulable.get().getReason() == null ? "Unschedulable" : unschedulable.get().getReason();
      return new DriverPodState(Kind.STARTING, r, r + detail(unschedulable.get().getMessage()), FailureClass.INFRASTRUCTURE, Optional.empty());
    }
    if ("Running".equals(phase)) {
      return new DriverPodState(Kind.RUNNING, null, "running", null, Optional.empty());
    }
    return new DriverPodState(Kind.STARTING, null, "starting", FailureClass.INFRASTRUCTURE, Optional.empty());
  }

  /** True for a waiting state that will not resolve by itself and need not wait for the start deadline. */
  boolean hopeless() {
    return kind == Kind.STARTING && reason != null && HOPELESS_WAITING.contains(reason);
  }

  private static DriverPodState failed(String reason, String message, FailureClass fc, Optional<ContainerStateTerminated> term) {
    return new DriverPodState(Kind.FAILED, reason, message, fc, term);
  }

  private static Optional<ContainerStatus> container(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(c -> Resources.CONTAINER.equals(c.getName()) && c.getState() != null).findFirst();
  }

  private static List<PodCondition> conditions(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getConditions() == null ? List.of() : pod.getStatus().getConditions();
  }

  private static String detail(String message) {
    return message == null || message.isBlank() ? "" : ": " + (message.length() > 300 ? message.substring(0, 300) + "..." : message);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
