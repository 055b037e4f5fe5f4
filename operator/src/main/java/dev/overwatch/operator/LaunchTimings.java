package dev.overwatch.operator;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a launch spends its time: one Micrometer timer per step of the reconcile that creates a
 * run's first driver pod ({@code overwatch_launch_step_seconds{step=...}}). With
 * {@code overwatch.launch-trace-samples} > 0 each such launch is also kept (bounded) with its
 * System.nanoTime stamps, so that the benchmark, in the same JVM, can join them with its own
 * informers' stamps; production keeps none.
 */
@Singleton
public class LaunchTimings {
  /** One launch: the run, when its reconcile started, each step's duration and end (System.nanoTime). */
  public record Launch(String run, long startNanos, Map<String, Duration> steps, Map<String, Long> ends) {}

  private final MeterRegistry registry;
  private final int maxSamples;
  private final List<Launch> launches = new ArrayList<>();

  @Inject
  public LaunchTimings(MeterRegistry registry, OperatorSettings settings) {
    this.registry = registry;
    this.maxSamples = settings.launchTraceSamples();
  }

  void record(String run, LaunchLaps laps) {
    laps.laps().forEach((step, d) -> Timer.builder("overwatch.launch.step").tag("step", step)
        .description("Time per step of the reconcile that launches a run's first driver pod")
        .register(registry).record(d));
    if (maxSamples > 0) {
      synchronized (launches) {
        if (launches.size() < maxSamples) {
          launches.add(new Launch(run, laps.start(), Map.copyOf(laps.laps()), Map.copyOf(laps.ends())));
        }
      }
    }
  }

  /** The kept launches (empty unless samples are kept). */
  public List<Launch> launches() {
    synchronized (launches) {
      return List.copyOf(launches);
    }
  }

  public void clear() {
    synchronized (launches) {
      launches.clear();
    }
  }
}
