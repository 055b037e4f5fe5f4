package dev.overwatch.jobs.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.jobs.AuditFixtures;
import dev.overwatch.jobs.ChildJvm;
import dev.overwatch.jobs.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A process killed inside a module (after its Delta commit, before its report row), then rerun,
 * ends with the same row counts as a clean run: the rerun finds the dead run's RUNNING marker and
 * removes its rows before reprocessing the window.
 */
class CrashRecoveryTest {
  @Test
  void killedRunThenRerunEqualsCleanRun() throws Exception {
    Path dir = TestSpark.newDir("crash");
    Path audit = dir.resolve("audit");
    for (int d = 1; d <= 2; d++) {
      AuditFixtures.writeDay(audit, LocalDate.of(2026, 11, d), 12, "a");
    }
    AuditFixtures.writeMalformed(audit, LocalDate.of(2026, 11, 2));
    Path deployment = dir.resolve("deployment.yaml");
    Files.writeString(deployment, AuditFixtures.deploymentYaml(dir.resolve("store"), "crash_etl", audit,
        LocalDate.of(2026, 11, 1)));
    String dep = deployment.toString();

    // The killed process leaves its writer lease behind; a short ttl lets the rerun take it over after expiry.
    Map<String, String> shortLease = Map.of("OVERWATCH_LEASE_TTL_SECONDS", "3");
    ChildJvm.Result killed = ChildJvm.run(Map.of("OVERWATCH_FAULT_INJECTION", "halt-after-write:1004",
        "OVERWATCH_LEASE_TTL_SECONDS", "3"),
        "run", "--deployment", dep, "--layer", "bronze", "--snapshot-time", "2026-11-03T00:00:00Z");
    assertEquals(137, killed.exitCode(), killed.output());

    ChildJvm.Result rerun = ChildJvm.run(shortLease, "run", "--deployment", dep, "--layer", "bronze",
        "--snapshot-time", "2026-11-03T00:00:00Z");
    assertEquals(0, rerun.exitCode(), rerun.output());
    assertTrue(rerun.output().contains("rows=24 quarantined=3"), rerun.output());

    ChildJvm.Result counts = ChildJvm.run(Map.of(), "sql", "--deployment", dep, "--format", "csv",
        "SELECT (SELECT count(*) FROM audit_log_bronze) AS audit, (SELECT count(*) FROM pipeline_quarantine) AS bad,"
            + " (SELECT count(*) FROM pipeline_report WHERE status LIKE 'FAILED --> ROLLBACK SUCCESSFUL%process ended%') AS dead");
    assertEquals(0, counts.exitCode(), counts.output());
    assertTrue(counts.output().contains("audit,bad,dead\n24,3,1"), counts.output());
  }
}
