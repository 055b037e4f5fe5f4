package dev.overwatch.jobs.gold;

import static org.apache.spark.sql.functions.col;

import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.ConsumerView;
import dev.overwatch.jobs.engine.GoldModule;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WriteMode;
import dev.overwatch.jobs.silver.JobRunSilver;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * 3003 Gold_JobRun -> jobRun_gold (gold.md 3.6): jobrun_silver renamed, re-read with a 30-day lag and merged so
 * late completions close earlier rows; view jobrun.
 */
public final class JobRunGold extends GoldModule {
  public static final TargetTable TARGET = TargetTable.merge("jobRun_gold", WriteMode.MERGE,
      List.of("run_id", "startEpochMS"), List.of("startEpochMS"), List.of("organization_id"), 33);
  public static final ModuleSpec SPEC = ModuleSpec.of(3003, "Gold_JobRun", Layer.GOLD, Scope.JOBS, TARGET, 2011);
  static final int LAG_DAYS = 30;
  static final ConsumerView VIEW = ConsumerView.of("jobrun", TARGET, "organization_id", "workspace_name", "job_id",
      "job_name", "run_id", "run_name", "multitask_parent_run_id", "job_run_id", "task_run_id", "repair_id",
      "task_key", "cluster_type", "cluster_id", "cluster_name", "job_cluster_key", "job_cluster", "new_cluster", "tags",
      "task_detail", "task_dependencies", "task_runtime", "task_execution_runtime", "task_type", "terminal_state",
      "job_trigger_type", "schedule", "libraries", "manual_override_params", "repair_details", "timeout_seconds",
      "retry_on_timeout", "max_retries", "min_retry_interval_millis", "max_concurrent_runs", "run_as_user_name",
      "parent_run_id", "workflow_context", "task_detail_legacy", "submitRun_details", "created_by", "last_edited_by",
      "request_detail", "time_detail");

  public JobRunGold() {
    super(SPEC, VIEW);
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    if (!ctx.tableExists(JobRunSilver.TARGET)) {
      throw new NoNewDataException("jobrun_silver does not exist yet", true);
    }
    return jobRun(ctx.readIncremental(JobRunSilver.TARGET, LAG_DAYS));
  }

  /** jobRun_gold rows from jobrun_silver rows (gold.md 3.3). */
  static Dataset<Row> jobRun(Dataset<Row> jobRunSilver) {
    return jobRunSilver.select(col("organization_id"), col("jobId").as("job_id"),
        col("jobName").as("job_name"), col("tags"), col("runId").as("run_id"), col("jobRunId").as("job_run_id"),
        col("taskRunId").as("task_run_id"), col("taskKey").as("task_key"), col("clusterId").as("cluster_id"),
        col("cluster_name"), col("multitaskParentRunId").as("multitask_parent_run_id"),
        col("parentRunId").as("parent_run_id"), col("task_detail"), col("taskDependencies").as("task_dependencies"),
        col("TaskRunTime").as("task_runtime"), col("TaskExecutionRunTime").as("task_execution_runtime"),
        col("job_cluster_key"), col("clusterType").as("cluster_type"), col("job_cluster"), col("new_cluster"),
        col("taskType").as("task_type"), col("terminalState").as("terminal_state"),
        col("jobTriggerType").as("job_trigger_type"), col("schedule"), col("libraries"), col("manual_override_params"),
        col("repairId").as("repair_id"), col("repair_details"), col("run_name"), col("timeout_seconds"),
        col("retry_on_timeout"), col("max_retries"), col("min_retry_interval_millis"), col("max_concurrent_runs"),
        col("run_as_user_name"), col("workflow_context"), col("task_detail_legacy"), col("submitRun_details"),
        col("created_by"), col("last_edited_by"), col("requestDetails").as("request_detail"),
        col("timeDetails").as("time_detail"), col("startEpochMS"));
  }
}
