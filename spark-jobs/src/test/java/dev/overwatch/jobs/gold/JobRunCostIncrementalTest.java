package dev.overwatch.jobs.gold;

import static dev.overwatch.jobs.gold.JobRunCostFixtures.ORG;
import static dev.overwatch.jobs.gold.JobRunCostFixtures.run;
import static dev.overwatch.jobs.gold.JobRunCostFixtures.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.OverwatchDeploymentSpec;
import dev.overwatch.jobs.TestSpark;
import dev.overwatch.jobs.engine.EngineTestAccess;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.TableStore;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.TimeWindow;
import dev.overwatch.jobs.engine.WorkspaceConfig;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Module 3015 over two pipeline runs with real Delta merges: a run whose cluster has no states yet is written
 * with a reason and completed by the next run; a run still open at the end of run 1 is closed by run 2; neither
 * is duplicated, and rerunning run 2's window changes nothing.
 */
class JobRunCostIncrementalTest {
  private static final long H = 3_600_000L;
  private static final long T0 = Instant.parse("2026-11-02T00:00:00Z").toEpochMilli();
  private static final long T1 = T0 + 24 * H;
  private static final long T2 = T1 + 24 * H;
  private final SparkSession spark = TestSpark.session();

  @Test
  void pendingAndOpenRunsAreCompletedInPlace() {
    spark.sql("CREATE DATABASE IF NOT EXISTS jobs_inc_etl");
    TableStore store = new TableStore(spark, "file:" + TestSpark.newDir("jobs-inc"), "jobs_inc_etl");
    JobRunCostPotentialFactGold module = new JobRunCostPotentialFactGold();
    TargetTable states = JobRunCostPotentialFactGold.CLUSTER_STATE_FACT;

    // run 1: P closed on a cluster without states yet, Q still running on c-q (whose state is open)
    TimeWindow w1 = new TimeWindow(T0, T1, true);
    write(store, JobRunGold.TARGET, JobRunCostFixtures.runs(spark,
        run(501, 50, "c-late", "existing", T0 + H, T0 + 2 * H), run(502, 51, "c-q", "existing", T1 - H, null)), w1);
    write(store, states, JobRunCostFixtures.states(spark, state("c-q", "RUNNING", T1 - 2 * H, T1, "{}")), w1);
    assertEquals(2, EngineTestAccess.runAndCommit(module, ctx(store, w1, "run-1"), store, "ws").rows());
    Map<Long, Row> first = facts(store);
    assertTrue(first.get(501L).<Boolean>getAs("costPending"));
    assertNull(first.get(501L).getAs("total_cost"));
    assertTrue(first.get(502L).<Boolean>getAs("openRun"));
    assertEquals(4.25, first.get(502L).<Double>getAs("total_cost_v0900"), 1e-6, "Q's hour of the 2 h state");

    // run 2: c-late's states arrive, Q ends, c-q's open state is extended in place
    TimeWindow w2 = new TimeWindow(T1, T2, false);
    write(store, JobRunGold.TARGET, JobRunCostFixtures.runs(spark,
        run(502, 51, "c-q", "existing", T1 - H, T1 + H)), w2);
    write(store, states, JobRunCostFixtures.states(spark, state("c-late", "RUNNING", T0, T0 + 3 * H, "{}"),
        state("c-q", "RUNNING", T1 - 2 * H, T1 + 2 * H, "{}")), w2);
    EngineTestAccess.runAndCommit(module, ctx(store, w2, "run-2"), store, "ws");
    Map<Long, Row> second = facts(store);
    EngineTestAccess.runAndCommit(module, ctx(store, w2, "run-2"), store, "ws");
    Map<Long, Row> rerun = facts(store);

    assertEquals(2, spark.read().format("delta").load(store.path(JobRunCostPotentialFactGold.TARGET)).count(),
        "no duplicate rows");
    Row p = second.get(501L);
    assertFalse(p.<Boolean>getAs("costPending"));
    assertNull(p.getAs("cost_reason"));
    assertEquals(4.25, p.<Double>getAs("total_cost"), 1e-6, "one hour of a 3 h state at 4.25 an hour");
    Row q = second.get(502L);
    assertFalse(q.<Boolean>getAs("openRun"));
    assertEquals(8.5, q.<Double>getAs("total_cost"), 1e-6, "two hours of the 4 h state");
    assertEquals(8.5, q.<Double>getAs("total_cost_v0900"), 1e-6);
    for (long id : List.of(501L, 502L)) {
      for (String c : List.of("total_cost", "total_cost_v0900", "worker_potential_core_H", "openRun", "costPending")) {
        assertEquals(second.get(id).<Object>getAs(c), rerun.get(id).<Object>getAs(c), "rerun changed " + c);
      }
    }
  }

  private void write(TableStore store, TargetTable table, Dataset<Row> rows, TimeWindow w) {
    store.write(table, rows, new TableStore.WriteRequest(ORG, "ws", "input-" + w.fromTS(),
        Instant.ofEpochMilli(w.untilTS()), w, ZoneOffset.UTC, 0));
  }

  private Map<Long, Row> facts(TableStore store) {
    Map<Long, Row> out = new HashMap<>();
    spark.read().format("delta").load(store.path(JobRunCostPotentialFactGold.TARGET)).collectAsList()
        .forEach(r -> out.put(r.<Long>getAs("run_id"), r));
    return out;
  }

  private static ModuleContext ctx(TableStore store, TimeWindow w, String runId) {
    WorkspaceConfig ws = new WorkspaceConfig("ws", ORG, "AWS", Optional.empty(), Optional.empty(), "json",
        Optional.empty(), List.of(), Map.of(), Set.of(), WorkspaceConfig.tokenEnvVar("ws"));
    return new ModuleContext(JobRunCostPotentialFactGold.SPEC, ws, new OverwatchDeploymentSpec(), store, w, runId,
        Instant.ofEpochMilli(w.untilTS()), ZoneOffset.UTC, () -> null, TestSpark.newDir("tmp").toString());
  }
}
