package dev.overwatch.jobs.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.MaintenanceSpec;
import dev.overwatch.jobs.TestSpark;
import dev.overwatch.jobs.cli.OverwatchJob;
import dev.overwatch.jobs.config.Scope;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** OPTIMIZE (z-ordered) and VACUUM on a schedule of runs, recorded in pipeline_report, on a tiny table. */
class TableMaintenanceTest {
  private static final TargetTable SPARK_JOBS = TargetTable.append("sparkJob_gold", List.of("job_id"), List.of(),
      List.of(TargetTable.ORG));

  /** A module that owns the table (maintenance works on the registry's targets). */
  private record Owner(ModuleSpec spec) implements Module {
    @Override
    public Dataset<Row> transform(ModuleContext ctx) {
      throw new UnsupportedOperationException("not run here");
    }
  }

  @Test
  void compactsAndVacuumsDueTablesOnlyAndSkipsModulesWithAnOpenExecution() throws IOException {
    SparkSession spark = TestSpark.session();
    Path dir = TestSpark.newDir("maintenance");
    spark.sql("CREATE DATABASE IF NOT EXISTS maint_etl LOCATION 'file:" + dir.resolve("maint_etl") + "'");
    TableStore store = new TableStore(spark, "file:" + dir, "maint_etl");
    PipelineReport report = new PipelineReport(store);
    report.ensureTable();
    for (int i = 0; i < 3; i++) { // three commits, three small files
      store.write(SPARK_JOBS, spark.sql("SELECT '42' AS organization_id, " + i + " AS job_id, 'c" + i + "' AS cluster_id"),
          new TableStore.WriteRequest("42", "demo", "r" + i, Instant.EPOCH, new TimeWindow(0, 1, true), ZoneId.of("UTC"), 0));
    }
    ModuleRegistry registry = new ModuleRegistry(List.of(new Owner(new ModuleSpec(3010, "Gold_SparkJob", Layer.GOLD,
        Scope.SPARK_EVENTS, SPARK_JOBS, List.of(), List.of(), Optional.empty()))));
    MaintenanceSpec everyTwoRuns = new MaintenanceSpec();
    everyTwoRuns.everyRuns = 2;
    everyTwoRuns.retainHours = 0;
    Path table = Path.of(dir.resolve("maint_etl").resolve("sparkjob_gold").toString());

    running(report, "run1", 3010, "run1:a");
    report.append(outcome("run1", 3010, "run1:a"));
    List<ModuleResult> afterOneRun = maintenance(store, everyTwoRuns, "run1").run(registry, EnumSet.of(Layer.GOLD), false);
    running(report, "run2", 3010, "run2:a");
    report.append(outcome("run2", 3010, "run2:a"));
    List<ModuleResult> afterTwoRuns = maintenance(store, everyTwoRuns, "run2").run(registry, EnumSet.of(Layer.GOLD), false);
    List<ModuleResult> rightAfter = maintenance(store, everyTwoRuns, "run2b").run(registry, EnumSet.of(Layer.GOLD), false);

    assertEquals(List.of(), afterOneRun, "one run since the start is not yet due");
    ModuleResult gold = afterTwoRuns.stream().filter(r -> r.moduleId() == 3010).findFirst().orElseThrow();
    assertEquals(ModuleResult.Outcome.SUCCESS, gold.outcome(), gold.message());
    assertEquals(3, gold.rows(), "three small files compacted: " + gold.message());
    assertTrue(gold.message().contains("ZORDER BY [cluster_id]"), gold.message());
    assertEquals(1, dataFiles(table), "VACUUM RETAIN 0 HOURS deleted the compacted files");
    assertEquals(3, spark.read().format("delta").load(store.path(SPARK_JOBS)).count(), "no row lost");
    assertTrue(afterTwoRuns.stream().anyMatch(r -> r.moduleName().equals("maintain pipeline_report")), afterTwoRuns::toString);
    assertEquals(1, spark.sql("SELECT * FROM maint_etl.pipeline_report WHERE organization_id = '*'"
        + " AND moduleName = 'maintain sparkJob_gold' AND status = 'SUCCESS' AND lastOptimizedTS > 0"
        + " AND vacuumRetentionHours = 0").count());
    assertEquals(List.of(), rightAfter, "no run since the last maintenance");

    // A dead process left 3010's execution open: its rollback may need the old files, so VACUUM must wait.
    running(report, "run3", 3010, "run3:a");
    List<ModuleResult> forced = maintenance(store, everyTwoRuns, "run3").run(registry, EnumSet.of(Layer.GOLD), true);
    ModuleResult skipped = forced.stream().filter(r -> r.moduleId() == 3010).findFirst().orElseThrow();
    assertEquals(ModuleResult.Outcome.EMPTY, skipped.outcome());
    assertTrue(skipped.message().contains("left open"), skipped.message());

    StringWriter err = new StringWriter();
    assertEquals(OverwatchJob.EXIT_USAGE, OverwatchJob.execute(new String[] {"maintain", "--deployment", "x.yaml",
        "--lease-wait", "-1"}, new PrintWriter(new StringWriter()), new PrintWriter(err)));
    assertTrue(err.toString().contains("--lease-wait"), err.toString());
  }

  private static TableMaintenance maintenance(TableStore store, MaintenanceSpec schedule, String runId) {
    return new TableMaintenance(store, schedule, runId, Instant.now());
  }

  private static void running(PipelineReport report, String runId, int module, String attempt) {
    long now = System.currentTimeMillis();
    report.append(new PipelineReport.Entry("42", "demo", module, "m", null, now, now, 0, 1, Statuses.RUNNING, 0, 0,
        Map.of(), "{}", "{}", Instant.EPOCH, runId, attempt));
  }

  private static PipelineReport.Entry outcome(String runId, int module, String attempt) {
    long now = System.currentTimeMillis();
    return new PipelineReport.Entry("42", "demo", module, "m", null, now, now, 0, 1, Statuses.SUCCESS, 1, 0,
        Map.of(), "{}", "{}", Instant.EPOCH, runId, attempt);
  }

  private static long dataFiles(Path table) throws IOException {
    try (Stream<Path> files = Files.walk(table)) {
      return files.filter(p -> p.toString().endsWith(".parquet") && !p.toString().contains("_delta_log")).count();
    }
  }
}
