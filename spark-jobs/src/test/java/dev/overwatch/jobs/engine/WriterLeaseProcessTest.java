package dev.overwatch.jobs.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.jobs.AuditFixtures;
import dev.overwatch.jobs.ChildJvm;
import dev.overwatch.jobs.TestSpark;
import dev.overwatch.jobs.bronze.AuditLogBronze;
import dev.overwatch.jobs.config.Deployments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 defect 4, the must-show: two {@code overwatch run} processes started together on one deployment;
 * one writes, the other waits for the lease (or, with {@code --lease-wait 0}, fails at once naming the
 * holder), and the tables equal one clean run's.
 */
class WriterLeaseProcessTest {
  private static final List<String> TABLES = List.of("audit_log_bronze", "pipeline_quarantine");
  private static final String SNAPSHOT = "2026-11-03T00:00:00Z";
  private static final LocalDate DAY1 = LocalDate.of(2026, 11, 1);
  private static final Duration TIMEOUT = Duration.ofMinutes(12);

  @Test
  void twoRunsStartedTogetherWriteOnceAndAThirdFailsFast() throws Exception {
    SparkSession spark = TestSpark.session();
    Path dir = TestSpark.newDir("lease");
    Path audit = dir.resolve("audit");
    for (int d = 1; d <= 2; d++) {
      AuditFixtures.writeDay(audit, DAY1.plusDays(d - 1), 12, "a");
    }
    AuditFixtures.writeMalformed(audit, LocalDate.of(2026, 11, 2));
    Path deployment = dir.resolve("deployment.yaml");
    Files.writeString(deployment, AuditFixtures.deploymentYaml(dir.resolve("store"), "lease_etl", audit, DAY1));
    String dep = deployment.toString();

    // Generous timeouts: the two JVMs share the cores, and one waits for the other.
    CompletableFuture<ChildJvm.Result> first = CompletableFuture.supplyAsync(() -> ChildJvm.run(TIMEOUT, () -> null, Map.of(), "run",
        "--deployment", dep, "--layer", "bronze", "--snapshot-time", SNAPSHOT, "--run-id", "first"));
    CompletableFuture<ChildJvm.Result> second = CompletableFuture.supplyAsync(() -> ChildJvm.run(TIMEOUT, () -> null, Map.of(), "run",
        "--deployment", dep, "--layer", "bronze", "--snapshot-time", SNAPSHOT, "--run-id", "second"));
    ChildJvm.Result a = first.get();
    ChildJvm.Result b = second.get();
    assertEquals(0, a.exitCode(), a.output());
    assertEquals(0, b.exitCode(), b.output());
    String both = a.output() + b.output();
    assertEquals(1, count(both, "rows=24 quarantined=3"), "exactly one run loads the data:\n" + both);
    ChildJvm.Result waited = a.output().contains("is being written by") ? a : b;
    assertTrue(waited.output().matches("(?s).*the storage \\S+ is being written by run (first|second) on host \\S+ \\(pid \\d+\\)"
        + " since \\S+ \\(last heartbeat \\d+ s ago\\); waiting up to \\d+ s.*"), "the waiting run names the holder:\n" + both);
    assertFalse(waited.output().contains("rows=24"), "the run that waited found the windows loaded:\n" + waited.output());

    // The tables equal one clean run of the same deployment.
    OverwatchDeployment clean = AuditFixtures.deployment(dir.resolve("clean"), "lease_clean", audit, DAY1);
    new Pipeline(spark, new ModuleRegistry(List.of(new AuditLogBronze())), r -> { }).run(new RunSettings(clean, "clean",
        Instant.parse(SNAPSHOT), List.of(Layer.BRONZE), Set.of(), Set.of(), Set.of(), FaultInjection.none()));
    assertEquals(TableRows.of(spark, dir.resolve("clean").resolve("lease_clean").toString(), TABLES),
        TableRows.of(spark, dir.resolve("store").resolve("lease_etl").toString(), TABLES));

    // Fail-fast: while this JVM holds the lease, a run that may not wait stops at once and names the holder.
    OverwatchDeployment shared = Deployments.parse(Files.readString(deployment), "shared");
    try (WriterLease held = WriterLease.acquire(WriterLease.location("file:" + dir.resolve("store"), "lease_etl"),
        spark.sparkContext().hadoopConfiguration(), "holder-run", WriterLease.Policy.DEFAULT, Clock.systemUTC(), m -> { })) {
      RunSettings failFast = new RunSettings(shared, "late", Instant.parse(SNAPSHOT), List.of(Layer.BRONZE), Set.of(),
          Set.of(), Set.of(), FaultInjection.none(), new WriterLease.Policy(Duration.ZERO, Duration.ofSeconds(60)));
      WriterLease.HeldException e = assertThrows(WriterLease.HeldException.class,
          () -> new Pipeline(spark, new ModuleRegistry(List.of(new AuditLogBronze())), r -> { }).run(failFast));
      assertTrue(e.getMessage().contains("is being written by run holder-run on host ")
          && e.getMessage().contains("(fail-fast)"), e.getMessage());
      try (var files = Files.list(dir.resolve("store").resolve("lease_etl").resolve("_overwatch_lease"))) {
        assertEquals(held.epoch() + 1, files.filter(p -> p.getFileName().toString().matches("epoch-\\d+")).count(),
            "the contender that failed fast created no lease");
      }
    }
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
