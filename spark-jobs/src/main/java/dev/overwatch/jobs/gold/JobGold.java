package dev.overwatch.jobs.gold;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.ConsumerView;
import dev.overwatch.jobs.engine.GoldModule;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WriteMode;
import dev.overwatch.jobs.silver.JobStatusSilver;
import dev.overwatch.jobs.silver.RuntimeStruct;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** 3002 Gold_Job -> job_gold (gold.md 3.5): the job-definition events of job_status_silver, renamed; view job. */
public final class JobGold extends GoldModule {
  public static final TargetTable TARGET = TargetTable.merge("job_gold", WriteMode.MERGE_INSERT,
      List.of("job_id", "unixTimeMS", "action", "request_id"), List.of("unixTimeMS"), List.of("organization_id"), 33);
  public static final ModuleSpec SPEC = ModuleSpec.of(3002, "Gold_Job", Layer.GOLD, Scope.JOBS, TARGET, 2010);
  static final ConsumerView VIEW = ConsumerView.of("job", TARGET, "organization_id", "workspace_name", "job_id",
      "action", "date", "timestamp", "job_name", "tags", "tasks", "job_clusters", "libraries", "timeout_seconds",
      "max_concurrent_runs", "max_retries", "retry_on_timeout", "min_retry_interval_millis", "schedule",
      "existing_cluster_id", "new_cluster", "git_source", "task_detail_legacy", "is_from_dlt", "aclPermissionSet",
      "targetUserId", "session_id", "request_id", "user_agent", "response", "source_ip_address", "created_by",
      "created_ts", "deleted_by", "deleted_ts", "last_edited_by", "last_edited_ts");

  public JobGold() {
    super(SPEC, VIEW);
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    if (!ctx.tableExists(JobStatusSilver.TARGET)) {
      throw new NoNewDataException("job_status_silver does not exist yet", true);
    }
    return job(ctx.readIncremental(JobStatusSilver.TARGET, 0));
  }

  /** job_gold rows from job_status_silver rows (gold.md 3.2). */
  static Dataset<Row> job(Dataset<Row> jobStatusSilver) {
    Column ts = RuntimeStruct.secondsTimestamp(col("timestamp"));
    return jobStatusSilver.select(col("organization_id"), col("jobId").as("job_id"),
        col("actionName").as("action"), col("timestamp").as("unixTimeMS"), ts.as("timestamp"), to_date(ts).as("date"),
        col("jobName").as("job_name"), col("tags"), col("job_type"), col("format").as("job_format"),
        col("existing_cluster_id"), col("new_cluster"), col("tasks"), col("job_clusters"), col("libraries"),
        col("git_source"), col("timeout_seconds"), col("max_concurrent_runs"), col("max_retries"),
        col("retry_on_timeout"), col("min_retry_interval_millis"), col("schedule"), col("task_detail_legacy"),
        coalesce(col("is_from_dlt"), lit(false)).as("is_from_dlt"), col("aclPermissionSet"), col("targetUserId"),
        col("sessionId").as("session_id"), col("requestId").as("request_id"), col("userAgent").as("user_agent"),
        col("response"), col("sourceIPAddress").as("source_ip_address"), col("created_by"), col("created_ts"),
        col("deleted_by"), col("deleted_ts"), col("last_edited_by"), col("last_edited_ts"));
  }
}
