package dev.overwatch.jobs.gold;

import static org.apache.spark.sql.functions.col;

import dev.overwatch.jobs.silver.RuntimeStruct;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Hand-made jobRun_gold and clusterStateFact_gold rows (the spec's columns) for the jobs cost tests. */
final class JobRunCostFixtures {
  static final String ORG = "org-jobs";
  static final StructType RUN = StructType.fromDDL("organization_id string, job_id long, job_name string, "
      + "run_id long, job_run_id long, task_run_id long, task_key string, repair_id long, run_name string, "
      + "startEpochMS long, cluster_id string, cluster_name string, multitask_parent_run_id long, "
      + "parent_run_id long, terminal_state string, job_trigger_type string, task_type string, created_by string, "
      + "last_edited_by string, cluster_type string, endEpochMS long");
  /** clusterStateFact_gold columns the fact reads (gold.md 3.2), plus state_start_date for incremental reads. */
  static final StructType STATE = StructType.fromDDL("organization_id string, cluster_id string, "
      + "cluster_name string, custom_tags string, state_start_date date, unixTimeMS_state_start long, "
      + "unixTimeMS_state_end long, state string, driver_node_type_id string, node_type_id string, "
      + "uptime_in_state_H double, dbu_rate double, worker_potential_core_H double, driver_compute_cost double, "
      + "worker_compute_cost double, driver_dbu_cost double, worker_dbu_cost double, total_dbus double, "
      + "total_DBU_cost double, total_cost double");

  private JobRunCostFixtures() {}

  /** A task run of job {@code jobId}; end null = still running. */
  static Row run(long runId, long jobId, String clusterId, String clusterType, long start, Long end) {
    return RowFactory.create(ORG, jobId, "job-" + jobId, runId, runId + 1_000_000, runId, "task", null, "task",
        start, clusterId, clusterId, runId + 1_000_000, null, end == null ? null : "Succeeded", "manual", "notebook",
        "alice@example.com", "alice@example.com", clusterType, end);
  }

  static Dataset<Row> runs(SparkSession spark, Row... rows) {
    return spark.createDataFrame(Arrays.asList(rows), RUN)
        .withColumn("task_runtime", RuntimeStruct.of(col("startEpochMS"), col("endEpochMS")))
        .withColumn("task_execution_runtime", RuntimeStruct.of(col("startEpochMS"), col("endEpochMS")))
        // jobRun_gold has map columns (set operations on them fail)
        .withColumn("tags", org.apache.spark.sql.functions.map(org.apache.spark.sql.functions.lit("team"),
            org.apache.spark.sql.functions.lit("data")))
        .drop("endEpochMS");
  }

  /**
   * A cluster state with the costs.md 3.7 node prices scaled to its length: per hour driver/worker compute
   * 0.30/1.20, driver/worker DBU cost 0.55/2.20, 5 DBUs, 16 worker core-hours (all zero when not billable).
   */
  static Row state(String clusterId, String state, long start, long end, String tags) {
    double h = (end - start) / 3_600_000d;
    double b = List.of("TERMINATING").contains(state) ? 0 : 1;
    return RowFactory.create(ORG, clusterId, clusterId, tags, java.sql.Date.valueOf(
            java.time.Instant.ofEpochMilli(start).atZone(java.time.ZoneOffset.UTC).toLocalDate()), start, end, state,
        "i3.xlarge", "i3.2xlarge", h, 0.55, 16 * h * b, 0.30 * h * b, 1.20 * h * b, 0.55 * h * b, 2.20 * h * b,
        5 * h * b, 2.75 * h * b, 4.25 * h * b);
  }

  static Dataset<Row> states(SparkSession spark, Row... rows) {
    return spark.createDataFrame(Arrays.asList(rows), STATE);
  }

  static Row sparkJob(String context, long jobId, long runId, long... stageIds) {
    return RowFactory.create(ORG, context, Arrays.stream(stageIds).boxed().toList(), String.valueOf(jobId),
        String.valueOf(runId));
  }

  static Dataset<Row> sparkJobs(SparkSession spark, Row... rows) {
    return spark.createDataFrame(Arrays.asList(rows), StructType.fromDDL(
        "organization_id string, spark_context_id string, stage_ids array<long>, db_job_id string, db_id_in_job string"));
  }

  static Row sparkTask(String context, long stageId, long runTimeMs) {
    return RowFactory.create(ORG, context, stageId, runTimeMs);
  }

  static Dataset<Row> sparkTasks(SparkSession spark, Row... rows) {
    return spark.createDataFrame(Arrays.asList(rows), StructType.fromDDL(
            "organization_id string, spark_context_id string, stage_id long, runTimeMS long"))
        .withColumn("task_runtime", org.apache.spark.sql.functions.struct(col("runTimeMS")));
  }
}
