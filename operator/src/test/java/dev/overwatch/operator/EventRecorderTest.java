package dev.overwatch.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.operator.EventRecorder.Folded;
import dev.overwatch.operator.EventRecorder.Transition;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The transitions of one reconcile become one event: last reason, Warning if any, every message and reason in order. */
class EventRecorderTest {
  @Test
  void transitionsOfOneReconcileFoldIntoOneEvent() {
    assertTrue(EventRecorder.fold(List.of()).isEmpty());

    Transition single = new Transition("Warning", "LayerWaiting", "layer bronze: ImagePullBackOff");
    assertEquals(new Folded("Warning", "LayerWaiting", "layer bronze: ImagePullBackOff", List.of("LayerWaiting")),
        EventRecorder.fold(List.of(single)).orElseThrow());

    Folded launch = EventRecorder.fold(List.of(new Transition("Normal", "Created", "run a created"),
        new Transition("Normal", "Started", "started"), new Transition("Normal", "LayerStarted", "layer bronze attempt 1"))).orElseThrow();
    assertEquals(new Folded("Normal", "LayerStarted", "run a created; started; layer bronze attempt 1",
        List.of("Created", "Started", "LayerStarted")), launch);

    // a Warning anywhere makes the folded event a Warning, even when the last transition is Normal
    Folded mixed = EventRecorder.fold(List.of(new Transition("Warning", "LayerFailed", "layer gold failed"),
        new Transition("Normal", "Cancelled", "cancelled"))).orElseThrow();
    assertEquals("Warning", mixed.type());
    assertEquals("Cancelled", mixed.reason());
    assertEquals(List.of("LayerFailed", "Cancelled"), mixed.reasons());
  }
}
