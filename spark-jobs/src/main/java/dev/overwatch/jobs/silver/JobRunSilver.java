package dev.overwatch.jobs.silver;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.when;

import dev.overwatch.jobs.bronze.ClustersSnapshotBronze;
import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.TableStore;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WriteMode;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * 2011 Silver_JobsRuns -> jobrun_silver (modules.md 2011): one row per task run (legacy single-task jobs: per
 * job run) assembled from the launch, start, completion, cancel and repair audit records of the last 30 days,
 * with job metadata as of the run start from job_status_silver and the jobs snapshot. Re-processing the
 * look-back closes runs that were open (merge on run id and start). Fixes of the original: decision 64.
 */
public final class JobRunSilver implements Module {
  public static final TargetTable TARGET = TargetTable.merge("jobrun_silver", WriteMode.MERGE,
      List.of("runId", "startEpochMS"), List.of("startEpochMS"), List.of("organization_id"), 33);
  public static final ModuleSpec SPEC = ModuleSpec.of(2011, "Silver_JobsRuns", Layer.SILVER, Scope.JOBS, TARGET,
      1004, 2010);
  static final int LOOKBACK_DAYS = 30;
  public static final List<String> ACTIONS = List.of("runSucceeded", "runFailed", "runTriggered", "runNow", "runStart",
      "submitRun", "cancel", "repairRun");
  static final List<String> TASK_TYPES = List.of("notebook_task", "spark_python_task", "python_wheel_task",
      "spark_jar_task", "spark_submit_task", "shell_command_task", "pipeline_task", "sql_task", "dbt_task",
      "run_job_task");
  private static final Column RESULT_RUN_ID = get_json_object(col("response.result"), "$.run_id").cast("long");

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    Dataset<Row> base = JobsAudit.base(ctx, LOOKBACK_DAYS, ACTIONS).cache();
    if (base.isEmpty()) {
      throw new NoNewDataException("no job run events in the window or its 30-day look-back", true);
    }
    Dataset<Row> status = ctx.tableExists(JobStatusSilver.TARGET) ? ctx.readAll(JobStatusSilver.TARGET) : null;
    Dataset<Row> clusters = ctx.tableExists(ClustersSnapshotBronze.TARGET)
        ? ctx.readAll(ClustersSnapshotBronze.TARGET) : null;
    return runs(base, status, JobsAudit.snapshot(ctx), clusters);
  }

  /**
   * jobrun_silver rows from the jobs audit base (flattened, see {@link JobsAudit#base}); job_status_silver, the
   * jobs snapshot (as {@link JobsAudit#snapshot}) and the clusters snapshot may be null.
   */
  public static Dataset<Row> runs(Dataset<Row> base, Dataset<Row> status, Dataset<Row> jobsSnapshot, Dataset<Row> clusters) {
    Dataset<Row> runs = assemble(base);
    runs = jobMetadata(runs, status, jobsSnapshot);
    runs = taskDetail(runs);
    runs = clusterNames(runs, clusters);
    return project(runs);
  }

  /** Assembly (modules.md 2011 steps 1-3): every task run seen by any event family, one row each. */
  static Dataset<Row> assemble(Dataset<Row> base) {
    Column action = col("actionName");
    Column jobRunOfTask = coalesce(col("multitaskParentRunId").cast("long"), col("runId"));
    Dataset<Row> starts = first(base.where(action.equalTo("runStart")).select(col("organization_id"),
        jobRunOfTask.as("jobRunId"), col("runId").as("taskRunId"), col("jobId").as("runStartJobId"),
        col("multitaskParentRunId").cast("long").as("multitaskParentRunId_Started"),
        col("parentRunId").cast("long").as("parentRunId_Started"), col("taskKey").as("taskKey_runStart"),
        col("taskDependencies").as("taskDependencies_runStart"), col("repairId").cast("long").as("repairId_runStart"),
        col("jobClusterType").as("jobClusterType_Started"), col("jobTaskType").as("jobTaskType_Started"),
        col("jobTriggerType").as("jobTriggerType_Started"), coalesce(col("clusterId"), col("cluster_id")).as("clusterId"),
        col("timestamp").as("startTime"), col("requestId").as("startRequestID"), col("timestamp").as("t")),
        "organization_id", "jobRunId", "taskRunId");
    Dataset<Row> completions = first(base.where(action.isin("runSucceeded", "runFailed")).select(
        col("organization_id"), jobRunOfTask.as("jobRunId"), col("runId").as("taskRunId"),
        col("jobId").as("completedJobId"), col("multitaskParentRunId").cast("long").as("multitaskParentRunId_Completed"),
        col("parentRunId").cast("long").as("parentRunId_Completed"), col("taskKey").as("taskKey_Completed"),
        col("taskDependencies").as("taskDependencies_Completed"), col("repairId").cast("long").as("repairId_Completed"),
        col("idInJob"), col("jobClusterType").as("jobClusterType_Completed"),
        col("jobTaskType").as("jobTaskType_Completed"), col("jobTriggerType").as("jobTriggerType_Completed"),
        col("jobTerminalState"), col("requestId").as("completionRequestID"), col("response").as("completionResponse"),
        col("timestamp").as("completionTime"), col("timestamp").as("t")), "organization_id", "jobRunId", "taskRunId");
    Dataset<Row> runNow = base.where(action.equalTo("runNow")).select(col("organization_id"),
        RESULT_RUN_ID.as("jobRunId"), col("job_id").as("submissionJobId"), col("timestamp").as("submissionTime"),
        lit("manual").as("jobTriggerType_runNow"), col("workflow_context"),
        struct(col("jar_params"), col("python_params"), col("spark_submit_params"), col("notebook_params"),
            col("python_named_params"), col("pipeline_params"), col("sql_params"), col("dbt_commands"))
            .as("manual_override_params"),
        col("sourceIPAddress").as("submitSourceIP"), col("sessionId").as("submitSessionId"),
        col("requestId").as("submitRequestID"), col("response").as("submitResponse"),
        col("userAgent").as("submitUserAgent"), col("userIdentity.email").as("submittedBy"), col("timestamp").as("t"));
    Dataset<Row> triggered = base.where(action.equalTo("runTriggered")).select(col("organization_id"),
        col("runId").as("jobRunId"), col("jobId").as("submissionJobId"), col("timestamp").as("submissionTime"),
        col("jobTriggerType").as("jobTriggerType_Triggered"), col("requestId").as("submitRequestID"),
        col("response").as("submitResponse"), col("userIdentity.email").as("submittedBy"), col("timestamp").as("t"));
    Dataset<Row> submitRun = base.where(action.equalTo("submitRun")).select(col("organization_id"),
        RESULT_RUN_ID.as("jobRunId"), col("run_name"), col("timestamp").as("submissionTime"),
        col("job_clusters").as("submitRun_job_clusters"), col("new_cluster"), col("existing_cluster_id"),
        col("workflow_context"), col("tasks").as("submitRun_tasks"), col("libraries"), col("access_control_list"),
        col("git_source"), col("timeout_seconds"), legacyTasks(), col("sourceIPAddress").as("submitSourceIP"),
        col("sessionId").as("submitSessionId"), col("requestId").as("submitRequestID"),
        col("response").as("submitResponse"), col("userAgent").as("submitUserAgent"),
        col("userIdentity.email").as("submittedBy"), col("timestamp").as("t"));
    Dataset<Row> submissions = first(runNow.unionByName(triggered, true).unionByName(submitRun, true),
        "organization_id", "jobRunId");
    Dataset<Row> cancels = first(base.where(action.equalTo("cancel")).select(col("organization_id"),
        col("run_id").as("cancelRunId"), col("requestId").as("cancellationRequestId"),
        col("response").as("cancellationResponse"), col("sessionId").as("cancellationSessionId"),
        col("sourceIPAddress").as("cancellationSourceIP"), col("timestamp").as("cancellationTime"),
        col("userAgent").as("cancelledUserAgent"), col("userIdentity.email").as("cancelledBy"),
        col("timestamp").as("t")), "organization_id", "cancelRunId");
    Dataset<Row> repairs = base.where(action.equalTo("repairRun")).select(col("organization_id"),
            col("run_id").as("repairRunId"),
            get_json_object(col("response.result"), "$.repair_id").cast("long").as("repairId"),
            struct(col("timestamp").as("repair_timestamp"), col("rerun_tasks"), col("latest_repair_id"),
                struct(col("jar_params"), col("python_params"), col("spark_submit_params"), col("notebook_params"))
                    .as("repair_params"), col("response").as("repair_response"),
                col("userIdentity.email").as("repairedBy"), col("userAgent").as("repairUserAgent"),
                col("requestId").as("repairRequestId")).as("detail"))
        .groupBy("organization_id", "repairRunId", "repairId").agg(collect_list("detail").as("repair_details"));

    // A task run is known from its start or its completion; a launch without either is a run not started yet.
    Dataset<Row> taskRuns = starts.join(completions, seq("organization_id", "jobRunId", "taskRunId"), "full_outer");
    Dataset<Row> runs = submissions.join(taskRuns, seq("organization_id", "jobRunId"), "full_outer")
        .withColumn("runId", coalesce(col("taskRunId"), col("jobRunId")));
    // Cancels name the job run of a multi-task run (the original matched them only to single-task runs).
    Dataset<Row> c = cancels.as("c");
    runs = runs.as("r").join(c, col("r.organization_id").equalTo(col("c.organization_id"))
            .and(col("c.cancelRunId").equalTo(col("r.runId")).or(col("c.cancelRunId").equalTo(col("r.jobRunId")))),
            "left").drop(col("c.organization_id"));
    runs = runs.withColumn("repairId", coalesce(col("repairId_runStart"), col("repairId_Completed")));
    Dataset<Row> rp = repairs.as("p");
    runs = runs.as("r").join(rp, col("r.organization_id").equalTo(col("p.organization_id"))
            .and(col("p.repairId").equalTo(col("r.repairId")))
            .and(col("p.repairRunId").equalTo(col("r.jobRunId")).or(col("p.repairRunId").equalTo(col("r.runId")))),
            "left").drop(col("p.organization_id")).drop(col("p.repairId"));
    // A cancel after the task finished does not make it cancelled nor lengthen it.
    Column cancelApplies = col("cancellationTime").isNotNull()
        .and(col("completionTime").isNull().or(col("completionTime").geq(col("cancellationTime"))));
    return runs.withColumn("cancelApplies", cancelApplies)
        .withColumn("endTime", when(cancelApplies, greatest(col("completionTime"), col("cancellationTime")))
            .otherwise(col("completionTime")))
        .where(col("startTime").isNotNull().or(cancelApplies));
  }

  /** Job metadata in force at the run start (step 4): job_status_silver, then the jobs snapshot's name. */
  static Dataset<Row> jobMetadata(Dataset<Row> runs, Dataset<Row> statusSilver, Dataset<Row> snapshot) {
    runs = runs.withColumn("jobId", coalesce(col("runStartJobId"), col("completedJobId"), col("submissionJobId")))
        .withColumn("startEpochMS", col("startTime"))
        .withColumn("lookupTime", coalesce(col("startTime"), col("submissionTime"), col("cancellationTime")));
    if (statusSilver != null) {
      Dataset<Row> status = statusSilver.select(col("organization_id"), col("jobId"),
          col("timestamp"), col("jobName").as("status_jobName"), to_json(col("tags")).as("tags"), col("schedule"),
          col("max_concurrent_runs"), col("run_as_user_name"), col("timeout_seconds").as("job_timeout_seconds"),
          col("created_by"), col("last_edited_by"), col("tasks"), col("job_clusters"),
          col("task_detail_legacy").as("job_task_detail_legacy"));
      runs = JobsAudit.asOf(runs, status, List.of("organization_id", "jobId"), "lookupTime", "timestamp");
    } else {
      for (String c : List.of("status_jobName", "tags", "schedule", "run_as_user_name", "created_by",
          "last_edited_by", "tasks", "job_clusters", "job_task_detail_legacy")) {
        runs = runs.withColumn(c, lit(null).cast("string"));
      }
      runs = runs.withColumn("max_concurrent_runs", lit(null).cast("long"))
          .withColumn("job_timeout_seconds", lit(null).cast("long"));
    }
    if (snapshot != null) {
      runs = JobsAudit.asOf(runs, snapshot.select("organization_id", "jobId", "snapTS", "snap_job_name"), "lookupTime");
    } else {
      runs = runs.withColumn("snap_job_name", lit(null).cast("string"));
    }
    return runs.withColumn("jobName", coalesce(col("status_jobName"), col("snap_job_name"), col("run_name")))
        .withColumn("tasks", coalesce(col("tasks"), col("submitRun_tasks")))
        .withColumn("job_clusters", coalesce(col("job_clusters"), col("submitRun_job_clusters")));
  }

  /** Step 6: the run's task definition, its job cluster, and SQL-warehouse tasks. */
  static Dataset<Row> taskDetail(Dataset<Row> runs) {
    Column tasks = from_json(col("tasks"), DataTypes.createArrayType(DataTypes.StringType));
    Column clusters = from_json(col("job_clusters"), DataTypes.createArrayType(DataTypes.StringType));
    Column rawKey = coalesce(col("taskKey_runStart"), col("taskKey_Completed"));
    Column taskKey = when(rawKey.isNull().and(size(tasks).equalTo(1)),
        get_json_object(element_at(tasks, 1), "$.task_key")).otherwise(rawKey);
    runs = runs.withColumn("taskKey", taskKey)
        .withColumn("task", element_at(filter(tasks, t -> get_json_object(t, "$.task_key").equalTo(col("taskKey"))), 1))
        .withColumn("job_cluster_key", get_json_object(col("task"), "$.job_cluster_key"))
        .withColumn("job_cluster", get_json_object(element_at(filter(clusters,
            k -> get_json_object(k, "$.job_cluster_key").equalTo(col("job_cluster_key"))), 1), "$.new_cluster"));
    Column[] detail = TASK_TYPES.stream().map(t -> get_json_object(col("task"), "$." + t).as(t)).toArray(Column[]::new);
    Column warehouse = get_json_object(col("task"), "$.sql_task.warehouse_id");
    Column startedType = coalesce(col("jobClusterType_Started"), col("jobClusterType_Completed"));
    Column submittedCluster = col("job_cluster").isNotNull().or(col("new_cluster").isNotNull())
        .or(get_json_object(col("task"), "$.new_cluster").isNotNull());
    return runs.withColumn("task_detail", to_json(struct(detail)))
        .withColumn("clusterId", when(warehouse.isNotNull(), warehouse)
            .otherwise(coalesce(col("clusterId"), get_json_object(col("task"), "$.existing_cluster_id"),
                col("existing_cluster_id"))))
        .withColumn("clusterType", when(warehouse.isNotNull(), lit("sqlWarehouse"))
            .otherwise(coalesce(startedType, when(submittedCluster, lit("new")))))
        .withColumn("new_cluster", coalesce(get_json_object(col("task"), "$.new_cluster"), col("new_cluster")))
        .withColumn("task_libraries", get_json_object(col("task"), "$.libraries"))
        .withColumn("task_max_retries", get_json_object(col("task"), "$.max_retries").cast("long"))
        .withColumn("task_min_retry", get_json_object(col("task"), "$.min_retry_interval_millis").cast("long"))
        .withColumn("task_retry_on_timeout", get_json_object(col("task"), "$.retry_on_timeout").cast("boolean"));
  }

  /** cluster_name: the clusters snapshot as of the run start, else the job cluster key, else the task key. */
  static Dataset<Row> clusterNames(Dataset<Row> runs, Dataset<Row> clusters) {
    if (clusters != null) {
      Dataset<Row> names = clusters.select(col("organization_id"),
          col("cluster_id").as("clusterId"), unix_millis(col(TableStore.SNAP_TS)).as("clusterSnapTS"),
          col("cluster_name").as("snap_cluster_name"));
      runs = JobsAudit.asOf(runs, names, List.of("organization_id", "clusterId"), "lookupTime", "clusterSnapTS");
    } else {
      runs = runs.withColumn("snap_cluster_name", lit(null).cast("string"));
    }
    return runs.withColumn("cluster_name", coalesce(col("snap_cluster_name"), col("job_cluster_key"), col("taskKey")));
  }

  /** Step 3/7 projection: the jobrun_silver columns. */
  static Dataset<Row> project(Dataset<Row> runs) {
    Column terminal = when(col("cancelApplies"), lit("Cancelled")).otherwise(col("jobTerminalState"));
    Column deps = from_json(coalesce(col("taskDependencies_runStart"), col("taskDependencies_Completed")),
        DataTypes.createArrayType(DataTypes.StringType));
    return runs.select(col("organization_id"), col("jobId").cast("long").as("jobId"), col("jobName"),
        from_json(col("tags"), DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType)).as("tags"),
        col("runId").cast("long").as("runId"), col("jobRunId").cast("long").as("jobRunId"),
        col("taskRunId").cast("long").as("taskRunId"), col("taskKey"), col("clusterId"), col("cluster_name"),
        coalesce(col("multitaskParentRunId_Started"), col("multitaskParentRunId_Completed")).as("multitaskParentRunId"),
        coalesce(col("parentRunId_Started"), col("parentRunId_Completed")).as("parentRunId"),
        col("task_detail"),
        org.apache.spark.sql.functions.transform(deps, d -> coalesce(get_json_object(d, "$.task_key"), d)).as("taskDependencies"),
        RuntimeStruct.of(col("startTime"), col("endTime")).as("TaskRunTime"),
        RuntimeStruct.of(col("startTime"), col("endTime")).as("TaskExecutionRunTime"),
        col("job_cluster_key"), col("clusterType"), col("job_cluster"), col("new_cluster"),
        coalesce(col("jobTaskType_Started"), col("jobTaskType_Completed")).as("taskType"),
        terminal.as("terminalState"),
        coalesce(col("jobTriggerType_Triggered"), col("jobTriggerType_Started"), col("jobTriggerType_Completed"),
            col("jobTriggerType_runNow")).as("jobTriggerType"),
        col("schedule"), coalesce(col("task_libraries"), col("libraries")).as("libraries"),
        col("manual_override_params"), col("repairId"), col("repair_details"),
        coalesce(col("run_name"), col("taskKey")).as("run_name"),
        coalesce(col("timeout_seconds").cast("long"), col("job_timeout_seconds")).as("timeout_seconds"),
        col("task_retry_on_timeout").as("retry_on_timeout"), col("task_max_retries").as("max_retries"),
        col("task_min_retry").as("min_retry_interval_millis"), col("max_concurrent_runs"), col("run_as_user_name"),
        col("workflow_context"), coalesce(col("task_detail_legacy"), col("job_task_detail_legacy")).as("task_detail_legacy"),
        to_json(struct(col("new_cluster"), col("submitRun_tasks").as("tasks"),
            col("submitRun_job_clusters").as("job_clusters"), col("existing_cluster_id"), col("libraries"),
            col("access_control_list"), col("git_source"))).as("submitRun_details"),
        col("created_by"), col("last_edited_by"),
        struct(struct(col("submitRequestID"), col("submitResponse"), col("submitSourceIP"), col("submitSessionId"),
                col("submitUserAgent"), col("submittedBy")).as("submissionRequest"),
            struct(col("cancellationRequestId"), col("cancellationResponse"), col("cancellationSessionId"),
                col("cancellationSourceIP"), col("cancelledUserAgent"), col("cancelledBy")).as("cancellationRequest"),
            struct(col("completionRequestID"), col("completionResponse")).as("completionRequest"),
            struct(col("startRequestID").as("startRequestId")).as("startRequest")).as("requestDetails"),
        struct(col("startTime"), col("submissionTime"), col("cancellationTime"), col("completionTime"),
            coalesce(col("timeout_seconds").cast("long"), col("job_timeout_seconds")).as("timeout_seconds"))
            .as("timeDetails"),
        col("startTime").cast("long").as("startEpochMS"));
  }

  private static Column legacyTasks() {
    return to_json(struct(JobStatusSilver.LEGACY_TASKS.stream().map(t -> col(t).as(t)).toArray(Column[]::new)))
        .as("task_detail_legacy");
  }

  /** First-of-duplicates by event time per key (modules.md 2011: each family reduced to its first event). */
  private static Dataset<Row> first(Dataset<Row> df, String... keys) {
    return SparkUiEvents.firstPerKey(df, List.of(keys), col("t")).drop("t");
  }

  private static scala.collection.immutable.Seq<String> seq(String... names) {
    return scala.jdk.javaapi.CollectionConverters.asScala(List.of(names)).toList();
  }
}
