package dev.overwatch.jobs.fidelity;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.jobs.Modules;
import dev.overwatch.jobs.config.Deployments;
import dev.overwatch.jobs.engine.FaultInjection;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.ModuleResult;
import dev.overwatch.jobs.engine.Pipeline;
import dev.overwatch.jobs.engine.RunSettings;
import dev.overwatch.jobs.engine.SparkSessions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * Benchmark (not a test) of the fixed cost of a run (issue 12), through {@code spark-jobs/bin/benchmark-fixed-cost}:
 * <ol>
 *   <li>the quickstart main command (README a) cold, as its own CLI process on a fresh data folder;</li>
 *   <li>the same command again: a run with no new data, as a separate CLI process;</li>
 *   <li>no new data twice more in this JVM (the second one with everything warm);</li>
 *   <li>a small Spark event-log workload (default 1 MB, a sparkEvents-only deployment) through all layers.</li>
 * </ol>
 * Every figure comes with the load average of the machine, and runs print their per-phase seconds.
 * The JVM runs with the quickstart folder as its working directory (the quickstart's paths are relative).
 */
public final class FixedCostBenchmark {
  private FixedCostBenchmark() {}

  /** One measured figure (printed at once, so a long benchmark shows its figures as they come). */
  record Figure(String what, double seconds, String load, String phases) {
    Figure {
      System.out.printf(Locale.ROOT, "FIGURE %s: %.1f s (load %s) %s%n", what, seconds, load, phases);
    }
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]).toAbsolutePath();
    Path repo = Path.of(args[1]).toAbsolutePath();
    long size = SparkEventsBenchmark.parseSize(args.length > 2 ? args[2] : "1m");
    Path work = Path.of("").toAbsolutePath();
    Path deploymentFile = work.resolve("examples/quickstart/deployment.yaml");
    List<Figure> figures = new ArrayList<>();
    // Parts to run (-Dbenchmark.parts, default all): cli, jvm (no new data in this JVM), spark (the small workload).
    Set<String> parts = Set.of(System.getProperty("benchmark.parts", "cli,jvm,spark").split(","));

    // 1 and 2: the CLI, cold then with no new data (each a separate process, as a user runs it).
    if (parts.contains("cli")) {
      figures.add(cli(repo, work, deploymentFile, "quickstart cold (CLI, fresh data dir)"));
      figures.add(cli(repo, work, deploymentFile, "no new data (CLI, second process)"));
    }

    // 3: no new data in this JVM; the second run has the session, catalog and Delta state warm.
    SparkSession spark = null;
    if (parts.contains("jvm")) {
      OverwatchDeployment quickstart = Deployments.load(deploymentFile);
      spark = session(quickstart, figures);
      figures.add(inJvm(spark, quickstart, "no new data (this JVM, first run)", false));
      figures.add(inJvm(spark, quickstart, "no new data (this JVM, warm)", false));
    }

    // 4: the small Spark workload through all layers (its own databases and storage).
    if (parts.contains("spark")) {
      Path logs = root.resolve("logs-" + size);
      // The seed application and folder clean-up of the throughput benchmark (its -Dbenchmark.seed layout).
      SparkEventsBenchmark.deleteTree(logs);
      Path seed = SparkEventsBenchmark.seedLog(root.resolve("seed"));
      SparkEventsBenchmark.replicate(seed, seed.getFileName().toString(), logs, 0,
          SparkEventsBenchmark.copies(seed, size), "fixedcost");
      long bytes = SparkEventsBenchmark.folderSize(logs);
      OverwatchDeployment events = SparkEventsOnlyDeployment.of("fixedcost", root.resolve("store"),
          "fixedcost_" + System.currentTimeMillis(), "fixedcost1", logs);
      spark = spark != null ? spark : session(events, figures);
      figures.add(inJvm(spark, events, String.format(Locale.ROOT, "Spark event logs %,d bytes, all layers", bytes),
          true));
      figures.add(inJvm(spark, events, "Spark event logs, no new data", false));
    }

    StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
        "machine: %d cores%n%n| run | wall (s) | load (1/5/15 min) at start | phases (s) |%n|---|---|---|---|%n",
        Runtime.getRuntime().availableProcessors()));
    for (Figure f : figures) {
      table.append(String.format(Locale.ROOT, "| %s | %.1f | %s | %s |%n", f.what(), f.seconds(), f.load(),
          f.phases()));
    }
    System.out.println();
    System.out.print(table);
    Files.writeString(root.resolve("results.md"), table.toString(), StandardCharsets.UTF_8);
    if (spark != null) {
      spark.stop();
    }
  }

  private static SparkSession session(OverwatchDeployment dep, List<Figure> figures) {
    long s0 = System.nanoTime();
    SparkSession spark = SparkSessions.getOrCreate(dep.getSpec());
    figures.add(new Figure("spark session in this JVM", (System.nanoTime() - s0) / 1e9, load(), ""));
    return spark;
  }

  /** One CLI run of the quickstart command in {@code work}; its "Phases:" line is kept. */
  private static Figure cli(Path repo, Path work, Path deploymentFile, String what) throws IOException,
      InterruptedException {
    String load = load();
    ProcessBuilder pb = new ProcessBuilder(repo.resolve("spark-jobs/bin/overwatch").toString(), "run",
        "--deployment", work.relativize(deploymentFile).toString()).directory(work.toFile()).redirectErrorStream(true);
    long t0 = System.nanoTime();
    Process p = pb.start();
    String phases = "";
    String last = "";
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        System.out.println("  [" + what + "] " + line);
        if (line.startsWith("Phases: ")) {
          phases = line.substring("Phases: ".length());
        } else if (line.startsWith("SUCCEEDED") || line.startsWith("FAILED")) {
          last = line;
        }
      }
    }
    int exit = p.waitFor();
    double wall = (System.nanoTime() - t0) / 1e9;
    if (exit != 0) {
      throw new IllegalStateException(what + ": exit code " + exit + " (" + last + ")");
    }
    return new Figure(what, wall, load, phases);
  }

  /** One run of every layer in this JVM; with {@code perModule}, the slowest modules are printed too. */
  private static Figure inJvm(SparkSession spark, OverwatchDeployment dep, String what, boolean perModule) {
    String load = load();
    RunSettings settings = new RunSettings(dep, RunSettings.newRunId(), Instant.now(), List.of(Layer.values()),
        Set.of(), Set.of(), Set.of(), FaultInjection.none());
    List<String> timings = new ArrayList<>();
    long[] last = {System.nanoTime()};
    Pipeline pipeline = new Pipeline(spark, Modules.all(), r -> {
      long now = System.nanoTime();
      // Modules of a single workspace run one after another: the time since the previous result is this one's.
      timings.add(String.format(Locale.ROOT, "%6.2f s  %s %d %s %s %d rows", (now - last[0]) / 1e9, r.layer().cliName(),
          r.moduleId(), r.moduleName(), r.outcome(), r.rows()));
      last[0] = now;
    });
    long t0 = System.nanoTime();
    last[0] = t0;
    List<ModuleResult> results = pipeline.run(settings);
    double wall = (System.nanoTime() - t0) / 1e9;
    if (results.stream().anyMatch(ModuleResult::failed)) {
      results.stream().filter(ModuleResult::failed).forEach(r -> System.out.println("  FAILED " + r));
      throw new IllegalStateException(what + ": a module failed");
    }
    System.out.printf("  [%s] %.1f s, %d results, %d rows%n", what, wall, results.size(),
        results.stream().mapToLong(ModuleResult::rows).sum());
    if (perModule) {
      timings.stream().sorted(Comparator.reverseOrder()).forEach(t -> System.out.println("    " + t));
    }
    return new Figure(what, wall, load, pipeline.timings().summary());
  }

  private static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " / " + f[1] + " / " + f[2];
    } catch (IOException e) {
      return "n/a";
    }
  }
}
