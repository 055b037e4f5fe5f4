package dev.overwatch.jobs.fidelity;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.jobs.ChildJvm;
import dev.overwatch.jobs.Modules;
import dev.overwatch.jobs.engine.FaultInjection;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.ModuleResult;
import dev.overwatch.jobs.engine.Pipeline;
import dev.overwatch.jobs.engine.RunSettings;
import dev.overwatch.jobs.engine.SparkSessions;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * Benchmark (not a test): Overwatch bronze -> gold (+ views) on Spark event logs versus Spark's own
 * replay of the same logs into its status store (what the History Server does). Run it through
 * {@code spark-jobs/bin/benchmark-spark-events [sizes]}, e.g. {@code 10m,100m,1g}.
 *
 * <p>Data: one real Spark application is run once in a child JVM ({@link FidelityWorkloads} {@code bench}:
 * jobs of many small tasks, plain single-file log, real task-end events with real metrics); each size is
 * then made of copies of that log under fresh application ids (the id is rewritten in every line) until
 * the size is reached. Every copy is a complete application for both sides.
 */
public final class SparkEventsBenchmark {
  private SparkEventsBenchmark() {}

  record Measurement(String size, int apps, long bytes, double overwatchS, double sparkReplayS, long rows,
      long sparkTasks, String outcome, double noNewDataS, int modules, int addedApps, double incrementalS) {

    double eventsPerSecondPerCore() {
      return rows / overwatchS / Runtime.getRuntime().availableProcessors();
    }
  }

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0] : "target/benchmark-events").toAbsolutePath();
    List<String> sizes = List.of((args.length > 1 ? args[1] : "10m,100m,1g").split(","));
    Files.createDirectories(root);

    Path seedDir = root.resolve("seed");
    Path seed = seedLog(seedDir);
    String seedId = seed.getFileName().toString();
    System.out.printf("seed application %s: %,d bytes%n", seedId, Files.size(seed));

    OverwatchDeployment first = deployment(root, "bench_" + sizes.get(0), root);
    SparkSession spark = SparkSessions.getOrCreate(first.getSpec());
    // Warm-up, not reported: catalog and Delta table creation, JIT, first Spark jobs.
    Path warm = root.resolve("logs-warmup");
    deleteTree(warm);
    replicate(seed, seedId, warm, 0, 1, "warmup");
    SparkReference.replayCounts(Files.list(warm).findFirst().orElseThrow());
    run(spark, deployment(root, "bench_warmup", warm), "warm-up");
    deleteTree(warm);
    List<Measurement> out = new ArrayList<>();
    for (String size : sizes) {
      long target = parseSize(size);
      Path logs = root.resolve("logs-" + size);
      deleteTree(logs);
      int apps = replicate(seed, seedId, logs, 0, copies(seed, target), size);
      long bytes = folderSize(logs);

      // Spark's replay, one application after another (the History Server's per-application rebuild).
      long t0 = System.nanoTime();
      long sparkTasks = 0;
      try (Stream<Path> s = Files.list(logs)) {
        for (Path log : s.sorted().toList()) {
          sparkTasks += SparkReference.replayCounts(log)[2];
        }
      }
      double replayS = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "%s: %d apps, %,d bytes; Spark replay %.1f s (%,d tasks)%n", size, apps, bytes,
          replayS, sparkTasks);

      // Overwatch: a sparkEvents-only deployment, bronze -> silver -> gold -> presentation.
      OverwatchDeployment dep = deployment(root, "bench_" + size.toLowerCase(Locale.ROOT), logs);
      long t1 = System.nanoTime();
      List<ModuleResult> results = run(spark, dep, size);
      double overwatchS = (System.nanoTime() - t1) / 1e9;
      long rows = results.stream().filter(r -> r.moduleId() == 1006).mapToLong(ModuleResult::rows).sum();
      String outcome = results.stream().anyMatch(r -> r.outcome() == ModuleResult.Outcome.FAILED) ? "FAILED" : "ok";

      // Fixed cost: the same deployment again with no new logs (every module EMPTY).
      long t2 = System.nanoTime();
      List<ModuleResult> idle = run(spark, dep, size + " no new data");
      double noNewDataS = (System.nanoTime() - t2) / 1e9;
      // Incremental: 1 % more applications (at least one), loaded on top.
      int added = Math.max(1, apps / 100);
      replicate(seed, seedId, logs, apps, added, size);
      long t3 = System.nanoTime();
      List<ModuleResult> incremental = run(spark, dep, size + " +1%");
      double incrementalS = (System.nanoTime() - t3) / 1e9;
      if (Stream.of(idle, incremental).flatMap(List::stream).anyMatch(ModuleResult::failed)) {
        outcome = "FAILED";
      }
      Measurement m = new Measurement(size, apps, bytes, overwatchS, replayS, rows, sparkTasks, outcome, noNewDataS,
          idle.size(), added, incrementalS);
      out.add(m);
      System.out.printf("%s: %d apps, %,d bytes, Overwatch %.1f s, Spark replay %.1f s, ratio %.2f, %,.0f events/s/core;"
          + " no new data %.1f s (%d modules, %.2f s each); +%d app(s) %.1f s = %.1f %% of the full load (%s)%n", size,
          apps, bytes, overwatchS, replayS, overwatchS / replayS, m.eventsPerSecondPerCore(), noNewDataS, idle.size(),
          noNewDataS / idle.size(), added, incrementalS, 100 * incrementalS / overwatchS, outcome);
      deleteTree(logs);
    }
    StringBuilder table = new StringBuilder("| size | apps | bytes | bronze rows | Spark tasks | Overwatch bronze->gold+views (s) "
        + "| Spark replay (s) | ratio | events/s/core | no new data (s) | per module (s) | +1 % apps | +1 % (s) | +1 % / full "
        + "| outcome |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Measurement m : out) {
      table.append(String.format(Locale.ROOT, "| %s | %d | %,d | %,d | %,d | %.1f | %.1f | %.2f | %,.0f | %.1f | %.2f | %d"
          + " | %.1f | %.0f %% | %s |%n", m.size(), m.apps(), m.bytes(), m.rows(), m.sparkTasks(), m.overwatchS(),
          m.sparkReplayS(), m.overwatchS() / m.sparkReplayS(), m.eventsPerSecondPerCore(), m.noNewDataS(),
          m.noNewDataS() / m.modules(), m.addedApps(), m.incrementalS(), 100 * m.incrementalS() / m.overwatchS(),
          m.outcome()));
    }
    System.out.println();
    System.out.print(table);
    Files.writeString(root.resolve("results.md"), table.toString(), StandardCharsets.UTF_8);
    spark.stop();
  }

  static Path seedLog(Path seedDir) throws IOException {
    if (!Files.isDirectory(seedDir.resolve("logs"))) {
      ChildJvm.Result r = ChildJvm.runMain(FidelityWorkloads.class.getName(), Map.of(), 20,
          seedDir.resolve("logs").toString(), seedDir.resolve("work").toString(),
          System.getProperty("benchmark.seed", "bench:2:400"));
      if (r.exitCode() != 0) {
        throw new IllegalStateException("seed workload failed:\n" + r.output());
      }
    }
    try (Stream<Path> s = Files.list(seedDir.resolve("logs"))) {
      return s.filter(p -> !p.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
    }
  }

  /** One run of every layer, progress printed. */
  private static List<ModuleResult> run(SparkSession spark, OverwatchDeployment dep, String label) {
    RunSettings settings = new RunSettings(dep, RunSettings.newRunId(), Instant.now().plusSeconds(60),
        List.of(Layer.values()), java.util.Set.of(), java.util.Set.of(), java.util.Set.of(), FaultInjection.none());
    // Seconds since the previous module ended (or the run started): each module's share of the wall time.
    long[] last = {System.nanoTime()};
    return new Pipeline(spark, Modules.all(), r -> {
      long now = System.nanoTime();
      System.out.printf(Locale.ROOT, "  [%s] %d %s %s %d rows %.1f s%n", label, r.moduleId(), r.moduleName(),
          r.outcome(), r.rows(), (now - last[0]) / 1e9);
      last[0] = now;
    }).run(settings);
  }

  /** Copies of the seed log that make {@code target} bytes (at least one). */
  static int copies(Path seed, long target) throws IOException {
    return (int) Math.max(1, Math.round((double) target / Files.size(seed)));
  }

  /** {@code n} copies of the seed log under fresh application ids, numbered from {@code from}. */
  static int replicate(Path seed, String seedId, Path logs, int from, int n, String size) throws IOException {
    Files.createDirectories(logs);
    for (int i = from; i < from + n; i++) {
      String id = String.format(Locale.ROOT, "bench-%s-%05d", size, i);
      try (BufferedReader in = Files.newBufferedReader(seed, StandardCharsets.UTF_8);
          BufferedWriter w = Files.newBufferedWriter(logs.resolve(id), StandardCharsets.UTF_8)) {
        String line;
        while ((line = in.readLine()) != null) {
          w.write(line.replace(seedId, id));
          w.write('\n');
        }
      }
    }
    return n;
  }

  private static OverwatchDeployment deployment(Path root, String etl, Path logs) {
    return SparkEventsOnlyDeployment.of("bench", root.resolve("store"), etl, "bench1", logs);
  }

  static long parseSize(String s) {
    String v = s.trim().toLowerCase(Locale.ROOT);
    long mult = v.endsWith("g") ? 1L << 30 : v.endsWith("m") ? 1L << 20 : v.endsWith("k") ? 1L << 10 : 1;
    return Long.parseLong(Character.isDigit(v.charAt(v.length() - 1)) ? v : v.substring(0, v.length() - 1)) * mult;
  }

  static long folderSize(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.mapToLong(p -> p.toFile().length()).sum();
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
