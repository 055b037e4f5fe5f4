package dev.overwatch.jobs.engine;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.jobs.AuditFixtures;
import dev.overwatch.jobs.TestSpark;
import dev.overwatch.jobs.bronze.AuditLogBronze;
import dev.overwatch.jobs.engine.ModuleResult.Outcome;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Exactly-once under failures (issue 9, defects 1-3 and 8, and the in-process fault matrix). A deployment
 * that suffers faults is compared, table by table and row by row, with a reference deployment that runs the
 * same snapshots on the same input without faults. A kill inside one JVM is an {@link FaultInjection.Abort}
 * error: the engine catches no Error, so the run stops with no outcome row and no rollback, as after a kill -9
 * (CrashRecoveryTest and WriterLeaseProcessTest kill real processes).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExactlyOnceTest {
  private static final List<String> TABLES = List.of("audit_log_bronze", "audit_counts_test_bronze",
      "service_summary_test_silver", "pipeline_quarantine");
  /** What the other writer of {@link #rowCountsAreTheWritersOwnCommitsOnly()} does inside the first one's write. */
  private static final AtomicReference<Runnable> OTHER_WRITER = new AtomicReference<>();

  private SparkSession spark;
  private Path dir;
  private Path audit;
  private OverwatchDeployment faulty;
  private OverwatchDeployment reference;
  private final ModuleRegistry registry = new ModuleRegistry(
      List.of(new AuditLogBronze(), new AuditCountTestModule(), new ServiceSummaryTestModule()));
  private LocalDate nextDay = LocalDate.of(2026, 11, 3);

  @BeforeAll
  void setUp() {
    spark = TestSpark.session();
    dir = TestSpark.newDir("exactly-once");
    audit = dir.resolve("audit");
    faulty = deployment("eo_faulty");
    reference = deployment("eo_reference");
    for (int d = 1; d <= 2; d++) {
      AuditFixtures.writeDay(audit, LocalDate.of(2026, 11, d), 8, "a");
    }
    AuditFixtures.writeMalformed(audit, LocalDate.of(2026, 11, 2));
  }

  private OverwatchDeployment deployment(String etl) {
    return AuditFixtures.deployment(dir.resolve(etl), etl, audit, LocalDate.of(2026, 11, 1));
  }

  private List<ModuleResult> run(OverwatchDeployment d, String runId, String snapshot, String faults) {
    RunSettings settings = new RunSettings(d, runId, Instant.parse(snapshot), List.of(Layer.BRONZE, Layer.SILVER),
        Set.of(), Set.of(), Set.of(), faults == null ? FaultInjection.none() : FaultInjection.of(faults));
    return new Pipeline(spark, registry, r -> { }).run(settings);
  }

  /** A run killed at the fault: it must end by the injected abort, leaving whatever it had committed. */
  private void killedRun(String runId, String snapshot, String fault) {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> run(faulty, runId, snapshot, "abort-" + fault));
    assertInstanceOf(FaultInjection.Abort.class, e.getCause(), String.valueOf(e));
  }

  private Map<String, List<String>> tables(OverwatchDeployment d) {
    String etl = d.getSpec().etlDatabase;
    return TableRows.of(spark, dir.resolve(etl).resolve(etl).toString(), TABLES);
  }

  private void assertSameTables(String when) {
    Map<String, List<String>> expected = tables(reference);
    Map<String, List<String>> actual = tables(faulty);
    for (String t : TABLES) {
      assertEquals(expected.get(t), actual.get(t), t + " differs from the clean run " + when);
    }
  }

  private long count(OverwatchDeployment d, String table, String where) {
    return spark.sql("SELECT count(*) FROM " + d.getSpec().etlDatabase + "." + table + " WHERE " + where).first().getLong(0);
  }

  private String newDay() {
    AuditFixtures.writeDay(audit, nextDay, 8, "a");
    nextDay = nextDay.plusDays(1);
    return nextDay + "T00:00:00Z";
  }

  @Test
  @Order(1)
  void runKilledTwiceWithOneRunIdIsCleanedUpTwiceAndTwoModulesQuarantineInOneRun() {
    String snap = "2026-11-03T00:00:00Z";
    List<ModuleResult> clean = run(reference, "ref1", snap, null);
    assertTrue(clean.stream().allMatch(r -> r.outcome() == Outcome.SUCCESS), clean::toString);

    // Defect 1: the operator retries a layer with the same run id; the second kill must be found too.
    killedRun("retried", snap, "after-write:9002");
    killedRun("retried", snap, "after-write:9002");
    List<ModuleResult> recovered = run(faulty, "retried", snap, null);
    assertAll(
        () -> assertEquals(tables(reference).get("audit_counts_test_bronze"), tables(faulty).get("audit_counts_test_bronze"),
            "defect 1: the rows of the second kill of one run id are removed"),
        () -> assertSameTables("after two kills of one run id"),
        () -> assertEquals(2, count(faulty, "pipeline_report",
            "moduleID = 9002 AND status LIKE 'FAILED --> ROLLBACK SUCCESSFUL%process ended%'")),
        () -> assertEquals(Outcome.SUCCESS, recovered.stream().filter(r -> r.moduleId() == 9002).findFirst().orElseThrow().outcome()),
        // Defect 3: two modules quarantine in one run; the second's rows must not be skipped as already written.
        () -> assertEquals(3, count(reference, "pipeline_quarantine", "moduleID = 1004")),
        () -> assertEquals(1, count(reference, "pipeline_quarantine", "moduleID = 9003"),
            "defect 3: the quarantine rows of the second module of the run"));
  }

  @Test
  @Order(2)
  void rollbackRestoresRowsTheRunOnlyUpdatedAndAFailedRollbackIsRetried() {
    String snap = newDay();
    List<String> before = tables(faulty).get("service_summary_test_silver");
    // Defect 2: 9003 merges (updates every service row), then fails: the updated rows must come back as they were.
    // 9002 fails too and so does its rollback: its rows stay until the next run retries the rollback.
    List<ModuleResult> failed = run(faulty, RunSettings.newRunId(), snap,
        "fail-after-write:9003,fail-after-write:9002,fail-rollback:9002");
    assertTrue(failed.stream().filter(r -> r.moduleId() == 9003 || r.moduleId() == 9002)
        .allMatch(r -> r.outcome() == Outcome.FAILED), failed::toString);
    List<String> afterRollback = tables(faulty).get("service_summary_test_silver");
    long rollbackFailed = count(faulty, "pipeline_report", "moduleID = 9002 AND status LIKE 'FAILED --> ROLLBACK FAILED%'");

    run(reference, RunSettings.newRunId(), snap, null);
    run(faulty, RunSettings.newRunId(), snap, null);
    assertAll(
        () -> assertEquals(before, afterRollback, "defect 2: the merge target is back in its state before the failed run"),
        () -> assertEquals(1, rollbackFailed),
        () -> assertEquals(tables(reference).get("audit_counts_test_bronze"), tables(faulty).get("audit_counts_test_bronze"),
            "defect 2: a failed rollback is retried by the next run"),
        () -> assertSameTables("after a failed rollback and a rerun"));
  }

  /**
   * The fault matrix: for each layer, a kill at each module boundary and inside a write (target committed,
   * quarantine not), rerun with the same and with a new run id, repeated kills; after every case the tables
   * equal the clean run's row by row. One deployment pair goes through all cases, a new day of input each.
   */
  @Test
  @Order(3)
  void faultMatrix() {
    record Case(List<String> kills, boolean sameRunId) {}
    List<Case> cases = List.of(
        new Case(List.of("after-target:1004", "after-target:1004"), true),
        new Case(List.of("after-report:1004", "before-write:9003"), false),
        new Case(List.of("after-target:9003"), true),
        new Case(List.of("after-write:9003", "after-report:9002"), false));
    for (Case c : cases) {
      String snap = newDay();
      run(reference, RunSettings.newRunId(), snap, null);
      String runId = RunSettings.newRunId();
      for (String kill : c.kills()) {
        killedRun(c.sameRunId() ? runId : RunSettings.newRunId(), snap, kill);
      }
      List<ModuleResult> rerun = run(faulty, c.sameRunId() ? runId : RunSettings.newRunId(), snap, null);
      assertTrue(rerun.stream().noneMatch(r -> r.outcome() == Outcome.FAILED), c + ": " + rerun);
      assertSameTables("after " + c);
    }
  }

  /** Defect 8: a write's row count is its own commit's, not that of another workspace committing meanwhile. */
  @Test
  @Order(4)
  void rowCountsAreTheWritersOwnCommitsOnly() {
    TableStore store = new TableStore(spark, "file:" + dir.resolve("counts"), "eo_counts");
    spark.sql("CREATE DATABASE IF NOT EXISTS eo_counts LOCATION 'file:" + dir.resolve("counts").resolve("eo_counts") + "'");
    TargetTable table = TargetTable.append("counts_test", List.of("id"), List.of(), List.of(TargetTable.ORG));
    store.write(table, rows(2, "1"), request("1", "w1"));
    OTHER_WRITER.set(() -> store.write(table, rows(5, "2"), request("2", "w2")));
    spark.udf().register("otherWriterCommits", (UDF1<Long, Long>) id -> {
      Runnable other = OTHER_WRITER.getAndSet(null);
      if (other != null) {
        Thread t = new Thread(other);
        t.start();
        t.join();
      }
      return id;
    }, DataTypes.LongType);
    Dataset<Row> mine = spark.range(3).coalesce(1).selectExpr("otherWriterCommits(id) AS id", "'1' AS organization_id");
    assertEquals(3, store.write(table, mine, request("1", "w3")).rows());
    assertEquals(10, spark.read().format("delta").load(store.path(table)).count(), "the other writer did commit meanwhile");
  }

  private Dataset<Row> rows(int n, String org) {
    return spark.range(n).selectExpr("id", "'" + org + "' AS organization_id");
  }

  private static TableStore.WriteRequest request(String org, String writer) {
    return new TableStore.WriteRequest(org, "ws" + org, writer, Instant.parse("2026-11-01T00:00:00Z"),
        new TimeWindow(0, 1, false), java.time.ZoneOffset.UTC, 0, writer);
  }
}
