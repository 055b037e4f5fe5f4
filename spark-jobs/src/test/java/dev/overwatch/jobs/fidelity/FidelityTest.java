package dev.overwatch.jobs.fidelity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.jobs.ChildJvm;
import dev.overwatch.jobs.Modules;
import dev.overwatch.jobs.DataDictionary;
import dev.overwatch.jobs.TestSpark;
import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.ModuleRegistry;
import dev.overwatch.jobs.engine.ModuleResult;
import dev.overwatch.jobs.engine.ModuleResult.Outcome;
import dev.overwatch.jobs.engine.Pipeline;
import dev.overwatch.jobs.engine.RunSettings;
import dev.overwatch.jobs.engine.FaultInjection;
import dev.overwatch.jobs.fidelity.SparkReference.App;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Spark UI fidelity: real Spark applications (Spark 4 in four log layouts, plus a committed log written
 * by Spark 3.5) are replayed into Spark's own status store (the History Server's accounting, see
 * {@link SparkReference}) and ingested by a deployment whose only scope is sparkEvents and whose only
 * input is sparkEventLogPaths. The consumer views must show exactly Spark's figures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FidelityTest {
  /** Spark 4 layouts written by the child JVM; each is a separate application. */
  private static final List<String> LAYOUTS = List.of("rolling", "plain", "lz4", "snappy");
  /** Written by bin/generate-spark35-fixture with Spark 3.5.5. */
  private static final String SPARK35_FIXTURE = "/fidelity/spark35/";
  private static final String ETL = "fidelity_etl";
  private static final String ORG = "fidelity1";

  private final SparkSession spark = TestSpark.session();
  private final ModuleRegistry registry = Modules.all();
  private final Map<String, App> reference = new TreeMap<>();
  private final Map<String, String> layoutOf = new TreeMap<>();
  private List<ModuleResult> results;
  private OverwatchDeployment deployment;

  @BeforeAll
  void generateReplayAndIngest() throws IOException {
    long t0 = System.nanoTime();
    Path base = TestSpark.newDir("fidelity");
    Path logs = base.resolve("logs");
    ChildJvm.Result gen = ChildJvm.runMain(FidelityWorkloads.class.getName(), Map.of(), 4,
        Stream.concat(Stream.of(logs.toString(), base.resolve("work").toString()), LAYOUTS.stream())
            .toArray(String[]::new));
    assertEquals(0, gen.exitCode(), gen.output());
    copySpark35Fixture(logs);
    long t1 = System.nanoTime();

    try (Stream<Path> s = Files.list(logs)) {
      for (Path log : s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList()) {
        App app = SparkReference.replay(log);
        reference.put(app.appId(), app);
        layoutOf.put(app.appId(), layout(log));
      }
    }
    assertEquals(Set.of("rolling", "plain", "lz4", "snappy", "spark35-plain"), Set.copyOf(layoutOf.values()),
        "one application per layout: " + layoutOf);

    // The must-show deployment: only sparkEvents, a workspace with only sparkEventLogPaths (no audit logs, no API).
    Path store = base.resolve("store");
    deployment = SparkEventsOnlyDeployment.of("fidelity", store, ETL, ORG, logs);
    RunSettings settings = new RunSettings(deployment, RunSettings.newRunId(), Instant.now().plusSeconds(60),
        List.of(Layer.values()), Set.of(), Set.of(), Set.of(), FaultInjection.none());
    long t2 = System.nanoTime();
    results = new Pipeline(spark, registry, r -> { }).run(settings);
    System.out.printf("fidelity: workloads %.1f s, Spark replay %.1f s, Overwatch pipeline %.1f s%n",
        (t1 - t0) / 1e9, (t2 - t1) / 1e9, (System.nanoTime() - t2) / 1e9);
  }

  @Test
  @Order(1)
  void sparkEventsOnlyDeploymentRunsBronzeThroughPresentation() {
    assertTrue(results.stream().noneMatch(r -> r.outcome() == Outcome.FAILED), () -> "failures: " + results);
    for (Module m : registry.modules()) {
      if (m.spec().scope() == Scope.SPARK_EVENTS) {
        ModuleResult r = results.stream().filter(x -> x.moduleId() == m.spec().id() && x.layer() == m.spec().layer())
            .findFirst().orElseThrow(() -> new AssertionError("module " + m.spec().id() + " did not run: " + results));
        assertEquals(Outcome.SUCCESS, r.outcome(), r::toString);
        assertTrue(r.rows() > 0, r::toString);
        m.view().ifPresent(v -> assertTrue(spark.catalog().tableExists(ETL + "_consumer", v.name()),
            "view " + v.name() + " published"));
        // Real Spark logs: the data dictionary's types of the Spark views are those published.
        m.view().ifPresent(v -> DataDictionary.assertDocuments(v.name(), spark.table(ETL + "_consumer." + v.name()).schema()));
      }
    }
    assertTrue(results.stream().anyMatch(r -> r.moduleId() == 1006 && r.outcome() == Outcome.SUCCESS));
    // Nothing outside the sparkEvents scope ran (no audit, no API).
    assertTrue(results.stream().filter(r -> r.layer() != Layer.PRESENTATION).allMatch(r ->
        registry.byId(r.moduleId()).map(m -> m.spec().scope() == Scope.SPARK_EVENTS).orElse(false)), results::toString);
  }

  /** Runs today: the independent accounting (Spark's replay) agrees with the raw events Overwatch ingested. */
  @Test
  @Order(2)
  void sparkReplayAgreesWithTheRawEventsInBronze() {
    long t0 = System.nanoTime();
    Dataset<Row> events = spark.table(ETL + ".spark_events_bronze").where("organization_id = '" + ORG + "'").persist();
    events.createOrReplaceTempView("fidelity_bronze");
    try {
      OverwatchFigures bronze = new OverwatchFigures(spark, ETL, ORG);
      for (App ref : reference.values()) {
        App fromBronze = bronze.fromBronze(ref.appId());
        assertSameApp(ref, fromBronze, "bronze");
      }
    } finally {
      events.unpersist();
    }
    System.out.printf("fidelity: bronze comparison %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  /** The issue's acceptance: consumer views equal Spark's status store, figure by figure. */
  @Test
  @Order(3)
  void consumerViewsEqualSparksStatusStore() {
    assumeTrue(registry.byId(3012).isPresent() && registry.byId(3016).isPresent(),
        "the silver/gold Spark modules (2003-2008, 3010-3016) are not on this branch yet");
    long t0 = System.nanoTime();
    List<Dataset<Row>> cached = new ArrayList<>();
    for (String v : List.of("sparkjob", "sparkstage", "sparktask", "sparkexecutor", "sparkexecution", "sparkstream")) {
      Dataset<Row> d = spark.table(ETL + "_consumer." + v).where("organization_id = '" + ORG + "'").persist();
      d.createOrReplaceTempView("fidelity_" + v);
      cached.add(d);
    }
    try {
      OverwatchFigures views = new OverwatchFigures(spark, ETL, ORG);
      for (App ref : reference.values()) {
        assertSameApp(ref, views.fromViews(ref.appId()), "views");
      }
    } finally {
      cached.forEach(Dataset::unpersist);
    }
    System.out.printf("fidelity: view comparison %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  private void assertSameApp(App ref, App got, String side) {
    String what = side + " vs Spark status store, app " + ref.appId() + " (" + layoutOf.get(ref.appId()) + "): ";
    // The workload must have exercised what the suite claims to check.
    assertTrue(ref.jobs().size() >= 5, what + "several jobs");
    assertTrue(ref.jobs().values().stream().anyMatch(j -> "fidelity-group".equals(j.jobGroup())), what + "job group");
    assertTrue(ref.stages().values().stream().anyMatch(s -> s.tasks().stream().anyMatch(t -> t.attempt() > 0)),
        what + "a retried task");
    assertTrue(ref.stages().values().stream().anyMatch(s -> s.sums().shuffleWriteBytes() > 0 && s.sums().inputBytes() == 0)
        && ref.stages().values().stream().anyMatch(s -> s.sums().inputBytes() > 0)
        && ref.stages().values().stream().anyMatch(s -> s.sums().outputBytes() > 0), what + "shuffle, input, output");
    assertFalse(ref.executions().isEmpty(), what + "SQL executions");
    assertEquals(3, ref.batches().stream().map(SparkReference.Batch::batchId).distinct().count(), what + "3 batches");

    assertEquals(ref.jobs(), got.jobs(), what + "jobs (id, status, group)");
    assertEquals(ref.stages().keySet(), got.stages().keySet(), what + "stage attempts");
    for (var e : ref.stages().entrySet()) {
      assertEquals(e.getValue().tasks(), got.stages().get(e.getKey()).tasks(), what + "tasks of stage " + e.getKey());
      assertEquals(e.getValue().sums(), got.stages().get(e.getKey()).sums(), what + "metric sums of stage " + e.getKey());
    }
    assertEquals(ref.executors(), got.executors(), what + "executors (id, added, removed)");
    assertEquals(ref.executions(), got.executions(), what + "SQL executions (id, start, end)");
    assertEquals(ref.batches(), got.batches(), what + "streaming batches (run id, batch id)");
  }

  private static String layout(Path log) {
    String n = log.getFileName().toString();
    if (n.startsWith("eventlog_v2_")) {
      return "rolling";
    }
    if (n.endsWith(".lz4")) {
      return "lz4";
    }
    if (n.endsWith(".snappy")) {
      return "snappy";
    }
    try (Stream<String> lines = Files.lines(log)) {
      return lines.findFirst().orElse("").contains("\"Spark Version\":\"3.5") ? "spark35-plain" : "plain";
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void copySpark35Fixture(Path logs) throws IOException {
    List<String> names = new ArrayList<>();
    try (InputStream index = FidelityTest.class.getResourceAsStream(SPARK35_FIXTURE + "INDEX")) {
      assertTrue(index != null, "fixture index " + SPARK35_FIXTURE + "INDEX");
      new String(index.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#")).forEach(names::add);
    }
    for (String n : names) {
      try (InputStream in = FidelityTest.class.getResourceAsStream(SPARK35_FIXTURE + n)) {
        assertTrue(in != null, "fixture " + n);
        Files.copy(in, logs.resolve(n));
      }
    }
  }

  /** Same shapes as the reference, computed from Overwatch's tables and views. */
  record OverwatchFigures(SparkSession spark, String db, String org) {
    private List<Row> sql(String query, String appId) {
      return spark.sql(query.replace("${db}", db).replace("${app}", appId).replace("${org}", org)).collectAsList();
    }

    private static Long nullable(Row r, int i) {
      return r.isNullAt(i) ? null : r.getLong(i);
    }

    /** From spark_events_bronze: the raw events, counted and summed independently of the silver/gold chain. */
    App fromBronze(String appId) {
      String ev = "fidelity_bronze WHERE SparkContextID = '${app}'";
      Map<Long, SparkReference.Job> jobs = new TreeMap<>();
      for (Row r : sql("SELECT s.JobID, e.JobResult.Result, s.Properties['sparkjobGroupid'] FROM "
          + "(SELECT JobID, Properties FROM " + ev + " AND Event = 'SparkListenerJobStart') s LEFT JOIN "
          + "(SELECT JobID, JobResult FROM " + ev + " AND Event = 'SparkListenerJobEnd') e ON s.JobID = e.JobID", appId)) {
        jobs.put(r.getLong(0), new SparkReference.Job(r.getLong(0), jobStatus(r.getString(1)), r.getString(2)));
      }
      Map<SparkReference.StageKey, SparkReference.Stage> stages = stages(sql("SELECT StageID, StageAttemptID, "
          + "TaskInfo.TaskID, TaskInfo.Attempt, " + metricSums("TaskMetrics") + " FROM " + ev
          + " AND Event = 'SparkListenerTaskEnd' GROUP BY ALL", appId));
      // Stages submitted without any task end would be missing above; add them with no tasks.
      for (Row r : sql("SELECT StageInfo.StageID, StageInfo.StageAttemptID FROM " + ev
          + " AND Event = 'SparkListenerStageSubmitted'", appId)) {
        SparkReference.StageKey k = new SparkReference.StageKey(r.getLong(0), r.getLong(1));
        stages.putIfAbsent(k, new SparkReference.Stage(k, Set.of(), new SparkReference.Figures(0, 0, 0, 0, 0, 0, 0, 0)));
      }
      Map<String, SparkReference.Executor> executors = new TreeMap<>();
      for (Row r : sql("SELECT a.ExecutorID, a.Timestamp, d.Timestamp FROM (SELECT ExecutorID, Timestamp FROM " + ev
          + " AND Event = 'SparkListenerExecutorAdded') a LEFT JOIN (SELECT ExecutorID, Timestamp FROM " + ev
          + " AND Event = 'SparkListenerExecutorRemoved') d ON a.ExecutorID = d.ExecutorID", appId)) {
        executors.put(r.getString(0), new SparkReference.Executor(r.getString(0), r.getLong(1), nullable(r, 2)));
      }
      Map<Long, SparkReference.Execution> executions = new TreeMap<>();
      for (Row r : sql("SELECT s.executionId, s.time, e.time FROM (SELECT executionId, time FROM " + ev
          + " AND Event = 'org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart') s LEFT JOIN "
          + "(SELECT executionId, max(time) AS time FROM " + ev
          + " AND Event = 'org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd' GROUP BY executionId) e "
          + "ON s.executionId = e.executionId", appId)) {
        executions.put(r.getLong(0), new SparkReference.Execution(r.getLong(0), r.getLong(1), nullable(r, 2)));
      }
      Set<SparkReference.Batch> batches = new java.util.TreeSet<>();
      for (Row r : sql("SELECT DISTINCT get_json_object(progress, '$.runId'), "
          + "CAST(get_json_object(progress, '$.batchId') AS BIGINT) FROM " + ev
          + " AND Event LIKE 'org.apache.spark.sql.streaming.StreamingQueryListener$QueryProgressEvent'", appId)) {
        batches.add(new SparkReference.Batch(r.getString(0), r.getLong(1)));
      }
      return new App(appId, jobs, stages, executors, executions, batches);
    }

    /** From the consumer views (presentation.md 3.9-3.14). */
    App fromViews(String appId) {
      String ctx = " WHERE organization_id = '${org}' AND spark_context_id = '${app}'";
      Map<Long, SparkReference.Job> jobs = new TreeMap<>();
      for (Row r : sql("SELECT job_id, job_result.Result, job_group_id FROM fidelity_sparkjob" + ctx, appId)) {
        jobs.put(r.getLong(0), new SparkReference.Job(r.getLong(0), jobStatus(r.getString(1)), r.getString(2)));
      }
      Map<SparkReference.StageKey, SparkReference.Stage> stages = stages(sql("SELECT stage_id, stage_attempt_id, "
          + "task_id, task_attempt_id, " + metricSums("task_metrics") + " FROM fidelity_sparktask" + ctx + " GROUP BY ALL",
          appId));
      for (Row r : sql("SELECT stage_id, stage_attempt_id FROM fidelity_sparkstage" + ctx, appId)) {
        SparkReference.StageKey k = new SparkReference.StageKey(r.getLong(0), r.getLong(1));
        stages.putIfAbsent(k, new SparkReference.Stage(k, Set.of(), new SparkReference.Figures(0, 0, 0, 0, 0, 0, 0, 0)));
      }
      Map<String, SparkReference.Executor> executors = new TreeMap<>();
      for (Row r : sql("SELECT executor_id, executor_alivetime.AddedEpochMS, executor_alivetime.RemovedEpochMS "
          + "FROM fidelity_sparkexecutor" + ctx, appId)) {
        executors.put(r.getString(0), new SparkReference.Executor(r.getString(0), r.getLong(1), nullable(r, 2)));
      }
      Map<Long, SparkReference.Execution> executions = new TreeMap<>();
      for (Row r : sql("SELECT execution_id, sql_execution_runtime.startEpochMS, sql_execution_runtime.endEpochMS, "
          + "sql_execution_runtime.runTimeMS FROM fidelity_sparkexecution" + ctx, appId)) {
        SparkReference.Execution x = new SparkReference.Execution(r.getLong(0), r.getLong(1), nullable(r, 2));
        assertEquals(x.durationMs(), nullable(r, 3), "sql_execution_runtime.runTimeMS of execution " + x);
        executions.put(r.getLong(0), x);
      }
      Set<SparkReference.Batch> batches = new java.util.TreeSet<>();
      for (Row r : sql("SELECT DISTINCT stream_run_id, stream_batch_id FROM fidelity_sparkstream" + ctx
          + " AND streamSegment = 'Progressed'", appId)) {
        batches.add(new SparkReference.Batch(r.getString(0), r.getLong(1)));
      }
      return new App(appId, jobs, stages, executors, executions, batches);
    }

    /**
     * Per task row (grouped by stage attempt and task attempt) the metric figures; summed per stage
     * below. Spark's stage figures: shuffle read bytes = remote + local bytes read.
     */
    private static String metricSums(String m) {
      return String.join(", ",
          "sum(coalesce(" + m + ".ExecutorRunTime, 0))",
          "sum(coalesce(" + m + ".ExecutorCPUTime, 0))",
          "sum(coalesce(" + m + ".ShuffleReadMetrics.RemoteBytesRead, 0) + coalesce(" + m
              + ".ShuffleReadMetrics.LocalBytesRead, 0))",
          "sum(coalesce(" + m + ".ShuffleReadMetrics.TotalRecordsRead, 0))",
          "sum(coalesce(" + m + ".ShuffleWriteMetrics.ShuffleBytesWritten, 0))",
          "sum(coalesce(" + m + ".ShuffleWriteMetrics.ShuffleRecordsWritten, 0))",
          "sum(coalesce(" + m + ".InputMetrics.BytesRead, 0))",
          "sum(coalesce(" + m + ".OutputMetrics.BytesWritten, 0))",
          "count(*)");
    }

    /** Rows (stage, attempt, task, taskAttempt, 8 figures, rows): one task attempt must be one row. */
    private static Map<SparkReference.StageKey, SparkReference.Stage> stages(List<Row> rows) {
      Map<SparkReference.StageKey, Set<SparkReference.TaskKey>> tasks = new TreeMap<>();
      Map<SparkReference.StageKey, long[]> sums = new TreeMap<>();
      for (Row r : rows) {
        SparkReference.StageKey k = new SparkReference.StageKey(r.getLong(0), r.getLong(1));
        SparkReference.TaskKey t = new SparkReference.TaskKey(r.getLong(2), r.getLong(3));
        assertEquals(1L, r.getLong(12), "one row per task attempt " + t + " of stage " + k);
        tasks.computeIfAbsent(k, x -> new java.util.TreeSet<>()).add(t);
        long[] s = sums.computeIfAbsent(k, x -> new long[8]);
        for (int i = 0; i < 8; i++) {
          s[i] += r.getLong(4 + i);
        }
      }
      Map<SparkReference.StageKey, SparkReference.Stage> out = new TreeMap<>();
      for (var e : tasks.entrySet()) {
        long[] s = sums.get(e.getKey());
        out.put(e.getKey(), new SparkReference.Stage(e.getKey(), e.getValue(),
            new SparkReference.Figures(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7])));
      }
      return out;
    }

    /** Spark's JobExecutionStatus for a SparkListenerJobEnd result (no end yet: still running). */
    private static String jobStatus(String result) {
      if (result == null) {
        return "RUNNING";
      }
      return result.equals("JobSucceeded") ? "SUCCEEDED" : "FAILED";
    }
  }
}
