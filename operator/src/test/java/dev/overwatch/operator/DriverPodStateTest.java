package dev.overwatch.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.operator.DriverPodState.FailureClass;
import dev.overwatch.operator.DriverPodState.Kind;
import dev.overwatch.api.v1alpha1.RetrySpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How a driver pod's status reads as an attempt's state, and which failures are retried (pure). */
class DriverPodStateTest {
  @Test
  void waitingReasonsAreShownAndClassified() {
    DriverPodState pull = DriverPodState.of(pod(waiting("ImagePullBackOff", "Back-off pulling image \"nope:1\"")));
    assertEquals(Kind.STARTING, pull.kind());
    assertEquals("ImagePullBackOff", pull.reason());
    assertEquals("ImagePullBackOff: Back-off pulling image \"nope:1\"", pull.message());
    assertEquals(FailureClass.CONFIGURATION, pull.failureClass());
    assertFalse(pull.failureClass().retried);
    assertFalse(pull.hopeless(), "a pull may still succeed: wait for the start deadline");

    DriverPodState config = DriverPodState.of(pod(waiting("CreateContainerConfigError", "secret \"x\" not found")));
    assertEquals(FailureClass.CONFIGURATION, config.failureClass());
    assertTrue(DriverPodState.of(pod(waiting("InvalidImageName", "bad"))).hopeless());
    // ContainerCreating is normal progress, not trouble
    DriverPodState creating = DriverPodState.of(pod(waiting("ContainerCreating", null)));
    assertNull(creating.reason());
    assertEquals(Kind.STARTING, creating.kind());

    DriverPodState unschedulable = DriverPodState.of(pod(new PodStatusBuilder().withPhase("Pending")
        .addNewCondition().withType("PodScheduled").withStatus("False").withReason("Unschedulable")
        .withMessage("0/3 nodes are available: 3 Insufficient memory.").endCondition().build()));
    assertEquals("Unschedulable", unschedulable.reason());
    assertEquals(FailureClass.INFRASTRUCTURE, unschedulable.failureClass());
    assertTrue(unschedulable.failureClass().retried);
    assertTrue(unschedulable.message().contains("Insufficient memory"), unschedulable.message());
    assertEquals(Kind.RUNNING, DriverPodState.of(pod(new PodStatusBuilder().withPhase("Running").build())).kind());
  }

  @Test
  void failuresAreClassified() {
    DriverPodState evicted = DriverPodState.of(pod(new PodStatusBuilder().withPhase("Failed").withReason("Evicted")
        .withMessage("The node was low on resource: memory.").build()));
    assertEquals(Kind.FAILED, evicted.kind());
    assertEquals("Evicted", evicted.reason());
    assertEquals(FailureClass.INFRASTRUCTURE, evicted.failureClass());

    DriverPodState oom = DriverPodState.of(pod(terminated(137, "OOMKilled")));
    assertEquals("OOMKilled", oom.reason());
    assertEquals(FailureClass.CONFIGURATION, oom.failureClass());
    assertTrue(oom.message().contains("spark.driver.memory"), oom.message());

    DriverPodState usage = DriverPodState.of(pod(terminated(2, "Error")));
    assertEquals("UsageError", usage.reason());
    assertEquals(FailureClass.CONFIGURATION, usage.failureClass());

    DriverPodState crash = DriverPodState.of(pod(terminated(1, "Error")));
    assertEquals("ExitCode", crash.reason());
    assertEquals("exit code 1 (Error)", crash.message());
    assertEquals(FailureClass.APPLICATION, crash.failureClass());
    assertTrue(crash.failureClass().retried);

    assertEquals(Kind.SUCCEEDED, DriverPodState.of(pod(new PodStatusBuilder().withPhase("Succeeded").build())).kind());
  }

  @Test
  void onlyAnUntouchedPodsAddIsIgnored() {
    // just created (the mock server: no status; a real API server: Pending without conditions)
    assertTrue(DriverPodState.untouched(new PodBuilder().withNewMetadata().withName("p").endMetadata().build()));
    assertTrue(DriverPodState.untouched(pod(new PodStatusBuilder().withPhase("Pending").withQosClass("Burstable").build())));
    // anything the scheduler or kubelet said wakes the run, even when first seen in an ADD (relist)
    assertFalse(DriverPodState.untouched(pod(new PodStatusBuilder().withPhase("Pending").addNewCondition().withType("PodScheduled")
        .withStatus("False").withReason("Unschedulable").endCondition().build())));
    assertFalse(DriverPodState.untouched(pod(waiting("ImagePullBackOff", "Back-off"))));
    assertFalse(DriverPodState.untouched(pod(new PodStatusBuilder().withPhase("Running").build())));
    assertFalse(DriverPodState.untouched(pod(new PodStatusBuilder().withPhase("Succeeded").build())));
    assertFalse(DriverPodState.untouched(pod(new PodStatusBuilder().withPhase("Pending").withReason("Evicted").build())));
  }

  @Test
  void backoffDoublesAndIsCapped() {
    RetrySpec r = new RetrySpec();
    r.backoffSeconds = 30;
    assertEquals(Duration.ofSeconds(30), RetryingPhase.backoff(r, 1));
    assertEquals(Duration.ofSeconds(60), RetryingPhase.backoff(r, 2));
    assertEquals(Duration.ofSeconds(120), RetryingPhase.backoff(r, 3));
    assertEquals(Duration.ofHours(1), RetryingPhase.backoff(r, 12));
  }

  static PodStatus waiting(String reason, String message) {
    return new PodStatusBuilder().withPhase("Pending").addNewContainerStatus().withName("driver").withNewState().withNewWaiting()
        .withReason(reason).withMessage(message).endWaiting().endState().endContainerStatus().build();
  }

  static PodStatus terminated(int exit, String reason) {
    return new PodStatusBuilder().withPhase("Failed").addNewContainerStatus().withName("driver").withNewState().withNewTerminated()
        .withExitCode(exit).withReason(reason).endTerminated().endState().endContainerStatus().build();
  }

  static Pod pod(PodStatus status) {
    return new PodBuilder().withNewMetadata().withName("p").endMetadata().withStatus(status).build();
  }
}
