package dev.overwatch.operator;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stopwatch of one reconcile: the time spent in each named step since the previous lap, and when
 * (System.nanoTime) each step ended. Only a reconcile that creates a run's first driver pod reports
 * its laps ({@link LaunchTimings}).
 */
final class LaunchLaps {
  private final Map<String, Duration> laps = new LinkedHashMap<>();
  private final Map<String, Long> ends = new LinkedHashMap<>();
  private final long start = System.nanoTime();
  private long last = start;

  void lap(String step) {
    long t = System.nanoTime();
    laps.merge(step, Duration.ofNanos(t - last), Duration::plus);
    ends.put(step, t);
    last = t;
  }

  long start() {
    return start;
  }

  Map<String, Duration> laps() {
    return laps;
  }

  Map<String, Long> ends() {
    return ends;
  }
}
