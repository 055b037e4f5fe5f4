package dev.overwatch.jobs.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.AuditLogsSpec;
import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.WorkspaceSpec;
import dev.overwatch.jobs.AuditFixtures;
import dev.overwatch.jobs.TestSpark;
import dev.overwatch.jobs.bronze.AuditLogBronze;
import dev.overwatch.jobs.engine.ModuleResult.Outcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The engine over real Spark, Delta and the embedded catalog: one deployment evolving through
 * first run, rerun, incremental run, injected failure with rollback, recovery and disabling.
 * The stages share tables on purpose (each builds on the previous one), hence the order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineTest {
  private SparkSession spark;
  private Path audit;
  private OverwatchDeployment deployment;
  private final ModuleRegistry registry = new ModuleRegistry(List.of(new AuditLogBronze(), new AuditCountTestModule()));
  private final String etl = "pt_etl";

  @BeforeAll
  void setUp() {
    spark = TestSpark.session();
    Path dir = TestSpark.newDir("pipeline");
    audit = dir.resolve("audit");
    deployment = TestSpark.deployment(dir.resolve("store"), etl);
    deployment.getSpec().primordialDate = "2026-11-01";
    deployment.getSpec().scopes = List.of("audit");
    deployment.getSpec().workspaces = List.of(workspace("demo", "42", audit), workspace("broken", "43", dir.resolve("missing")));
    for (int d = 1; d <= 3; d++) {
      AuditFixtures.writeDay(audit, LocalDate.of(2026, 11, d), 10, "a");
    }
    AuditFixtures.writeMalformed(audit, LocalDate.of(2026, 11, 2));
  }

  private static WorkspaceSpec workspace(String name, String org, Path auditPath) {
    WorkspaceSpec ws = new WorkspaceSpec();
    ws.name = name;
    ws.organizationId = org;
    ws.auditLogs = new AuditLogsSpec();
    ws.auditLogs.path = auditPath.toString();
    return ws;
  }

  private List<ModuleResult> run(String snapshot, Set<Integer> disabled, FaultInjection faults) {
    RunSettings settings = new RunSettings(deployment, RunSettings.newRunId(), Instant.parse(snapshot),
        List.of(Layer.BRONZE), Set.of(), Set.of(), disabled, faults);
    List<ModuleResult> progress = new ArrayList<>();
    List<ModuleResult> results = new Pipeline(spark, registry, progress::add).run(settings);
    assertEquals(Set.copyOf(results), Set.copyOf(progress), "a progress line per module");
    return results;
  }

  private ModuleResult result(List<ModuleResult> results, String workspace, int module) {
    return results.stream().filter(r -> r.workspace().equals(workspace) && r.moduleId() == module).findFirst()
        .orElseThrow(() -> new AssertionError("no result for " + workspace + "/" + module + " in " + results));
  }

  private long count(String table, String where) {
    return spark.sql("SELECT count(*) FROM " + etl + "." + table + " WHERE " + where).first().getLong(0);
  }

  @Test
  @Order(1)
  void firstRunLoadsEveryDayQuarantinesBadRecordsAndIsolatesWorkspaces() {
    List<ModuleResult> results = run("2026-11-03T12:00:00Z", Set.of(), FaultInjection.none());
    ModuleResult audit1004 = result(results, "demo", 1004);
    assertEquals(Outcome.SUCCESS, audit1004.outcome());
    assertEquals(30, audit1004.rows());
    assertEquals(3, audit1004.quarantined(), "truncated JSON, wrong type, binary garbage");
    assertEquals(Instant.parse("2026-11-01T00:00:00Z").toEpochMilli(), audit1004.fromTS());
    assertEquals(Outcome.SUCCESS, result(results, "demo", 9002).outcome());
    assertEquals(30, count("audit_log_bronze", "organization_id = '42'"));
    assertEquals(3, count("pipeline_quarantine", "organization_id = '42' AND moduleID = 1004"));
    assertEquals(Set.of("malformed JSON", "timestamp is not epoch milliseconds: yesterday", "not valid UTF-8 text"),
        Set.copyOf(spark.sql("SELECT DISTINCT reason FROM " + etl + ".pipeline_quarantine").as(
            org.apache.spark.sql.Encoders.STRING()).collectAsList()));
    // Every audit row keeps its delivery date and a hash key; requestParams values stay strings.
    assertEquals(0, count("audit_log_bronze", "date IS NULL OR hashKey IS NULL OR requestParams IS NULL"));
    assertEquals(10, count("audit_log_bronze", "date = DATE'2026-11-02'"));

    ModuleResult broken = result(results, "broken", 1004);
    assertEquals(Outcome.FAILED, broken.outcome());
    assertTrue(broken.message().contains("does not exist"), broken.message());
    assertEquals(Outcome.NOT_RUN, result(results, "broken", 9002).outcome(), "its dependency failed in this run");
    String json = RunSummary.toJson("r", "bronze", Instant.EPOCH, results);
    assertTrue(json.getBytes(StandardCharsets.UTF_8).length < 4096);
    assertTrue(json.contains("\"quarantined\":3"), json);
  }

  @Test
  @Order(2)
  void rerunWithTheSameSnapshotChangesNothing() {
    long reportVersion = reportVersion();
    List<ModuleResult> results = run("2026-11-03T12:00:00Z", Set.of(), FaultInjection.none());
    assertEquals(Outcome.EMPTY, result(results, "demo", 1004).outcome());
    assertEquals(Outcome.EMPTY, result(results, "demo", 9002).outcome());
    assertEquals(30, count("audit_log_bronze", "organization_id = '42'"));
    assertEquals(3, count("pipeline_quarantine", "organization_id = '42'"));
    // Report rows are batched: "demo" (both windows empty, no RUNNING marker) commits its two outcome rows at once;
    // "broken" commits the RUNNING marker of its failing 1004, then 1004's outcome with 9002's NOT_RUN row.
    assertEquals(reportVersion + 3, reportVersion(), "pipeline_report commits of a run with no new data");
    assertEquals(2, count("pipeline_report", "organization_id = '42' AND status LIKE 'EMPTY%'"),
        "both modules of the rerun have their outcome row");
  }

  private long reportVersion() {
    return spark.sql("DESCRIBE HISTORY " + etl + ".pipeline_report").agg(org.apache.spark.sql.functions.max("version"))
        .first().getLong(0);
  }

  @Test
  @Order(3)
  void laterSnapshotIngestsOnlyNewDaysAndLateRecords() {
    AuditFixtures.writeDay(audit, LocalDate.of(2026, 11, 4), 10, "a");
    AuditFixtures.writeDay(audit, LocalDate.of(2026, 11, 3), 1, "late");
    List<ModuleResult> results = run("2026-11-05T00:00:00Z", Set.of(), FaultInjection.none());
    ModuleResult r = result(results, "demo", 1004);
    assertEquals(Outcome.SUCCESS, r.outcome());
    assertEquals(Instant.parse("2026-11-03T12:00:00Z").toEpochMilli(), r.fromTS(), "starts at the previous until");
    assertEquals(11, r.rows(), "re-read day 2026-11-03 adds only its late record");
    assertEquals(41, count("audit_log_bronze", "organization_id = '42'"));
    assertEquals(3, count("pipeline_quarantine", "organization_id = '42'"), "already quarantined lines are not re-read");
  }

  @Test
  @Order(4)
  void failureAfterTheWriteRollsBackAndBlocksDependants() {
    AuditFixtures.writeDay(audit, LocalDate.of(2026, 11, 5), 10, "a");
    List<ModuleResult> results = run("2026-11-06T00:00:00Z", Set.of(), new FaultInjection(Optional.of("fail-after-write:1004")));
    assertEquals(Outcome.FAILED, result(results, "demo", 1004).outcome());
    assertEquals(Outcome.NOT_RUN, result(results, "demo", 9002).outcome());
    assertEquals(41, count("audit_log_bronze", "organization_id = '42'"), "no partial rows of the failed run");
    assertEquals(1, count("pipReport", "organization_id = '42' AND module_id = 1004 AND status LIKE 'FAILED --> ROLLBACK SUCCESSFUL%'"));
    assertEquals(1, count("pipReport", "organization_id = '42' AND module_id = 9002 AND status LIKE 'EMPTY: not run: dependency 1004 failed%'"));
  }

  @Test
  @Order(5)
  void nextRunRetriesTheFailedWindow() {
    List<ModuleResult> results = run("2026-11-06T00:00:00Z", Set.of(), FaultInjection.none());
    ModuleResult r = result(results, "demo", 1004);
    assertEquals(Outcome.SUCCESS, r.outcome());
    assertEquals(Instant.parse("2026-11-05T00:00:00Z").toEpochMilli(), r.fromTS());
    assertEquals(51, count("audit_log_bronze", "organization_id = '42'"));
    assertEquals(Outcome.SUCCESS, result(results, "demo", 9002).outcome());
    // The counts module saw each audit row exactly once across its windows, except the late record of
    // 2026-11-03 01:00, older than its window when it arrived (a documented limitation, inputs.md 1.2).
    assertEquals(50, spark.sql("SELECT sum(count) FROM " + etl + ".audit_counts_test_bronze").first().getLong(0));
  }

  @Test
  @Order(6)
  void disabledModuleIsFailedAndBlocksNothingElse() {
    List<ModuleResult> results = run("2026-11-06T06:00:00Z", Set.of(9002), FaultInjection.none());
    assertEquals(Outcome.FAILED, result(results, "demo", 9002).outcome());
    assertEquals("module disabled", result(results, "demo", 9002).message());
    assertEquals(1, count("pipReport", "organization_id = '42' AND module_id = 9002 AND status LIKE '%MODULE DISABLED%'"));
    assertEquals(Outcome.EMPTY, result(results, "demo", 1004).outcome(), "no new audit files for 2026-11-06 yet");
  }
}
