package dev.overwatch.operator;

import java.time.Duration;
import java.util.Optional;

/**
 * One phase of a run's state machine: it reads the observed world from the context, takes at most
 * one step (writing it into the status) and says when to look again (empty: an event will).
 */
@FunctionalInterface
interface RunPhase {
  Optional<Duration> step(RunContext c);
}
