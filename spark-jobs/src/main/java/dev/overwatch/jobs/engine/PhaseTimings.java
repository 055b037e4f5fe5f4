package dev.overwatch.jobs.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Wall time of the fixed phases of one run (session, catalog, report, each layer, views), printed in the run's
 * summary so that start-up cost is visible on every run (issue 12); one instance per run, thread-safe.
 */
public final class PhaseTimings {
  /** One phase: its name and wall milliseconds. */
  public record Phase(String name, long millis) {}

  private final List<Phase> phases = new ArrayList<>();

  /** Runs {@code work} and records its wall time under {@code name}. */
  public <T> T time(String name, Supplier<T> work) {
    long start = System.nanoTime();
    try {
      return work.get();
    } finally {
      add(name, (System.nanoTime() - start) / 1_000_000);
    }
  }

  public void time(String name, Runnable work) {
    time(name, () -> {
      work.run();
      return null;
    });
  }

  public synchronized void add(String name, long millis) {
    phases.add(new Phase(name, millis));
  }

  public synchronized List<Phase> phases() {
    return List.copyOf(phases);
  }

  /** "name 1.2 s, name 0.3 s, ..." in the order recorded. */
  public synchronized String summary() {
    return phases.stream().map(p -> String.format(java.util.Locale.ROOT, "%s %.1f s", p.name(), p.millis() / 1000.0))
        .collect(Collectors.joining(", "));
  }
}
