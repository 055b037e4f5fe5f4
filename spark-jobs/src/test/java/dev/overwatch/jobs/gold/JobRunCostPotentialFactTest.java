package dev.overwatch.jobs.gold;

import static dev.overwatch.jobs.gold.JobRunCostFixtures.run;
import static dev.overwatch.jobs.gold.JobRunCostFixtures.sparkJob;
import static dev.overwatch.jobs.gold.JobRunCostFixtures.sparkTask;
import static dev.overwatch.jobs.gold.JobRunCostFixtures.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.apache.spark.sql.functions.lit;

import dev.overwatch.jobs.DataDictionary;
import dev.overwatch.jobs.TestSpark;
import dev.overwatch.jobs.bronze.AuditLogBronze;
import dev.overwatch.jobs.silver.JobRunSilver;
import dev.overwatch.jobs.silver.JobStatusSilver;
import dev.overwatch.jobs.silver.JobsAudit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * jobRunCostPotentialFact (costs.md 4) on hand-made runs and cluster states, all cases in one Spark action:
 * the 4.7 worked example, two runs overlapping over two states, a job cluster reused by two tasks, a `new`
 * cluster, and runs that cannot be costed (SQL warehouse, serverless, no states yet).
 */
class JobRunCostPotentialFactTest {
  private static final double EPS = 1e-9;
  private static final String V = RunClusterStates.EXACT;
  private final SparkSession spark = TestSpark.session();

  /**
   * The job and jobrun views' types are those docs/data-dictionary documents: the views' SELECT over the gold rows
   * the modules compute from silver rows of the audit log's shape (schemas only, no Spark job).
   */
  @Test
  void jobAndJobRunViewsMatchTheDictionary() {
    Dataset<Row> bronze = spark.createDataFrame(List.of(), AuditLogBronze.MASTER_SCHEMA);
    Dataset<Row> status = JobStatusSilver.events(JobsAudit.flatten(bronze, JobStatusSilver.ACTIONS), null);
    Dataset<Row> runs = JobRunSilver.runs(JobsAudit.flatten(bronze, JobRunSilver.ACTIONS), status, null, null);
    // The writer adds workspace_name to every gold row.
    DataDictionary.assertDocuments(JobGold.VIEW, JobGold.job(status).withColumn("workspace_name", lit("w")));
    DataDictionary.assertDocuments(JobRunGold.VIEW, JobRunGold.jobRun(runs).withColumn("workspace_name", lit("w")));
  }

  @Test
  void sharesCostsUtilisationAndReasons() {
    Dataset<Row> runs = JobRunCostFixtures.runs(spark,
        // 4.7: A and B on an interactive cluster, one RUNNING state of 1 h
        run(101, 11, "c-47", "existing", 600_000, 2_400_000L),
        run(102, 12, "c-47", "existing", 1_200_000, 3_000_000L),
        // two runs overlapping on an all-purpose cluster across two states
        run(201, 20, "c-two", "existing", 10_300_000, 12_700_000L),
        run(202, 21, "c-two", "existing", 10_900_000, 13_300_000L),
        // one job cluster reused by two tasks; the first starts while the cluster is CREATING
        run(301, 30, "jc", "job_cluster", 20_050_000, 20_700_000L),
        run(302, 30, "jc", "job_cluster", 20_700_000, 21_300_000L),
        // a `new` (dedicated) cluster
        run(404, 40, "nc", "new", 30_100_000, 31_000_000L),
        // not costable: SQL warehouse, serverless (no cluster id), cluster without states yet
        run(401, 41, "wh-1", "sqlWarehouse", 40_000_000, 40_500_000L),
        run(402, 42, null, null, 40_000_000, 40_500_000L),
        run(403, 43, "c-none", "existing", 40_000_000, 40_500_000L));
    Dataset<Row> states = JobRunCostFixtures.states(spark,
        state("c-47", "RUNNING", 0, 3_600_000, "{\"team\":\"bi\"}"),
        state("c-two", "RUNNING", 10_000_000, 11_800_000, "{}"),
        state("c-two", "RESIZING", 11_800_000, 13_600_000, "{}"),
        state("jc", "CREATING", 20_000_000, 20_120_000, null),
        state("jc", "RUNNING", 20_120_000, 21_320_000, "{\"team\":\"a\"}"),
        state("nc", "CREATING", 30_000_000, 30_300_000, "{}"),
        state("nc", "RUNNING", 30_300_000, 31_200_000, "{}"));
    // A's Spark tasks: 2 core-hours in two stages of one Spark job (4.7); B's job id does not match.
    Dataset<Row> sparkJobs = JobRunCostFixtures.sparkJobs(spark, sparkJob("ctx-1", 11, 101, 5, 6),
        sparkJob("ctx-1", 99, 102, 7));
    Dataset<Row> sparkTasks = JobRunCostFixtures.sparkTasks(spark, sparkTask("ctx-1", 5, 3_600_000),
        sparkTask("ctx-1", 6, 1_800_000), sparkTask("ctx-1", 6, 1_800_000), sparkTask("ctx-1", 7, 99_000),
        sparkTask("ctx-2", 5, 77_000));

    Dataset<Row> fact = JobRunCostPotentialFactGold.fact(runs, states, sparkJobs, sparkTasks, 50_000_000L);
    // The data dictionary's types are those of the view over these rows (the writer adds workspace_name).
    dev.overwatch.jobs.DataDictionary.assertDocuments(JobRunCostPotentialFactGold.VIEW,
        fact.withColumn("workspace_name", org.apache.spark.sql.functions.lit("w")));
    List<Row> rows = fact.collectAsList();
    Map<Long, Row> byRun = new HashMap<>();
    rows.forEach(r -> byRun.put(r.<Long>getAs("run_id"), r));
    assertEquals(10, rows.size(), "one row per run, none dropped");
    assertEquals(10, byRun.size(), "no run twice");

    // 4.7 exactly (the original's shares, gold columns)
    Row a = byRun.get(101L);
    Row b = byRun.get(102L);
    expect(a, "avg_cluster_share", 0.375, "avg_overlapping_runs", 1.0, "max_overlapping_runs", 1.0,
        "worker_potential_core_H", 8.0, "driver_compute_cost", 0.05625, "driver_dbu_cost", 0.103125,
        "worker_compute_cost", 0.225, "worker_dbu_cost", 0.4125, "total_dbus", 0.9375,
        "total_compute_cost", 0.28125, "total_dbu_cost", 0.515625, "total_cost", 0.796875,
        "spark_task_runtime_H", 2.0, "job_run_cluster_util", 0.25);
    expect(b, "avg_cluster_share", 0.4286, "avg_overlapping_runs", 1.0, "max_overlapping_runs", 1.0,
        "worker_potential_core_H", 8.0, "driver_compute_cost", 0.064286, "driver_dbu_cost", 0.117857,
        "worker_compute_cost", 0.257143, "worker_dbu_cost", 0.471429, "total_dbus", 1.071429,
        "total_compute_cost", 0.321429, "total_dbu_cost", 0.589286, "total_cost", 0.910714);
    assertEquals(1L, a.<Long>getAs("run_cluster_states"));
    assertEquals(1L, b.<Long>getAs("run_cluster_states"));
    assertEquals(7_200_000L, a.<Long>getAs("spark_task_runtimeMS"));
    assertNull(b.getAs("job_run_cluster_util"), "no Spark job of B's job id");
    assertEquals("interactive", a.getAs("cluster_type"));
    assertEquals("{\"team\":\"bi\"}", a.getAs("cluster_tags"));
    // exact shares (decision 65): each run alone for 20 min and half of the 20 min together = 1/3 of the hour
    expect(a, "total_cost" + V, 1.416667, "avg_cluster_share" + V, 0.6667);
    expect(b, "total_cost" + V, 1.416667);
    assertEquals(4.25 * 2.4 / 3.6, total(a) + total(b), 1e-5,
        "A + B = the cluster's cost from A's start to B's end");

    // two runs over two states: their costs add up to the cluster's cost over the time they occupied it
    double union = 4.25 * (1_500_000 + 1_500_000) / 3_600_000d;
    assertEquals(union, total(byRun.get(201L)) + total(byRun.get(202L)), 1e-5);
    assertEquals(2L, byRun.get(201L).<Long>getAs("run_cluster_states"));

    // a job cluster reused by two tasks: each pays for its own time, the first also for the start-up state
    Row t1 = byRun.get(301L);
    Row t2 = byRun.get(302L);
    expect(t1, "total_cost", 0.826389, "total_cost" + V, 0.826389, "avg_overlapping_runs", 0.0);
    expect(t2, "total_cost", 0.708333, "total_cost" + V, 0.708333);
    assertEquals(4.25 * 1_300_000 / 3_600_000d, total(t1) + total(t2), 1e-5);
    assertEquals("automated", t1.getAs("cluster_type"));
    assertEquals("{\"team\":\"a\"}", t1.getAs("cluster_tags"), "attributes of the states it overlapped, one row");

    // `new` cluster: the CREATING state is charged whole, the run owns the cluster (share 1.0)
    expect(byRun.get(404L), "total_cost", 1.180556, "total_cost" + V, 1.180556, "avg_cluster_share", 1.0);

    // never dropped: a reason, no invented cost
    Row wh = byRun.get(401L);
    assertTrue(wh.<String>getAs("cost_reason").contains("SQL warehouse wh-1"), wh.<String>getAs("cost_reason"));
    assertNull(wh.getAs("total_cost"));
    assertFalse(wh.<Boolean>getAs("costPending"));
    assertTrue(byRun.get(402L).<String>getAs("cost_reason").contains("serverless"));
    Row none = byRun.get(403L);
    assertTrue(none.<String>getAs("cost_reason").contains("no cluster state of cluster c-none"));
    assertTrue(none.<Boolean>getAs("costPending"));
    assertEquals(0L, none.<Long>getAs("run_cluster_states"));
    assertNull(a.getAs("cost_reason"));
    assertFalse(a.<Boolean>getAs("openRun"));
  }

  private static double total(Row r) {
    return r.<Double>getAs("total_cost" + V);
  }

  private static void expect(Row r, Object... pairs) {
    for (int i = 0; i < pairs.length; i += 2) {
      String c = (String) pairs[i];
      assertEquals((Double) pairs[i + 1], r.<Double>getAs(c), EPS, "run " + r.getAs("run_id") + " " + c);
    }
  }
}
