package dev.overwatch.jobs.silver;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WriteMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * 2010 Silver_JobsStatus -> job_status_silver (modules.md 2010): one row per job-definition event (create,
 * update, reset, delete, changeJobAcl, resetJobAcl) with the settings in force after it, filled forward from
 * earlier events and back from the jobs snapshot, plus snapImpute rows for snapshot jobs without events on
 * the first run. Nested settings stay JSON text (decision 63).
 */
public final class JobStatusSilver implements Module {
  public static final TargetTable TARGET = TargetTable.merge("job_status_silver", WriteMode.MERGE_INSERT,
      List.of("jobId", "actionName", "requestId", "timestamp"), List.of("timestamp"), List.of("organization_id"), 33);
  public static final ModuleSpec SPEC = ModuleSpec.of(2010, "Silver_JobsStatus", Layer.SILVER, Scope.JOBS, TARGET,
      1004, 1001);
  public static final List<String> ACTIONS = List.of("create", "delete", "reset", "update", "resetJobAcl", "changeJobAcl");
  /** Settings filled forward (step 5): name -> type of the output column. */
  static final Map<String, String> SETTINGS = new LinkedHashMap<>();
  /** Legacy task fields, wrapped into task_detail_legacy (python_wheel_task kept, unlike the original). */
  static final List<String> LEGACY_TASKS = List.of("notebook_task", "spark_python_task", "python_wheel_task",
      "spark_jar_task", "spark_submit_task", "shell_command_task", "pipeline_task");

  static {
    for (String s : List.of("name", "tags", "schedule", "email_notifications", "existing_cluster_id",
        "job_clusters", "new_cluster", "tasks", "libraries", "git_source")) {
      SETTINGS.put(s, "string");
    }
    for (String s : List.of("max_concurrent_runs", "max_retries", "timeout_seconds", "min_retry_interval_millis")) {
      SETTINGS.put(s, "long");
    }
    SETTINGS.put("retry_on_timeout", "boolean");
  }

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    Dataset<Row> snapshot = JobsAudit.snapshot(ctx);
    Dataset<Row> base = definitions(JobsAudit.base(ctx, 0, ACTIONS), snapshot);
    Dataset<Row> events = filled(base);
    Dataset<Row> imputed = snapImpute(ctx, snapshot, base, events.schema());
    Dataset<Row> out = imputed == null ? events : events.unionByName(imputed);
    if (out.isEmpty()) {
      throw new NoNewDataException("no job definition events in the window", true);
    }
    return out;
  }

  /** job_status_silver rows from the jobs audit base ({@link JobsAudit#flatten}); the snapshot may be null. */
  public static Dataset<Row> events(Dataset<Row> base, Dataset<Row> snapshot) {
    return filled(definitions(base, snapshot));
  }

  /** The job id and name of each definition event, and the snapshot's values as of it. */
  private static Dataset<Row> definitions(Dataset<Row> base, Dataset<Row> snapshot) {
    Column action = col("actionName");
    base = base.withColumn("jobId", when(action.equalTo("create"),
                get_json_object(col("response.result"), "$.job_id").cast("long"))
            .when(action.equalTo("changeJobAcl"), col("resourceId").cast("long"))
            .otherwise(col("job_id").cast("long")))
        .where(col("jobId").isNotNull())
        .withColumn("jobName", when(action.equalTo("create"), col("name"))
            .when(action.isin("update", "reset"), get_json_object(col("new_settings"), "$.name")));
    base = JobsAudit.asOf(base, snapshot, "timestamp");
    if (snapshot == null) {
      base = base.withColumn("snap_created_ts", lit(null).cast("long")).withColumn("snap_created_by", lit(null).cast("string"))
          .withColumn("lookup_settings", lit(null).cast("string"))
          .withColumn("snap_run_as_user_name", lit(null).cast("string"));
    }
    return base;
  }

  /** Steps 5-8 over the audit events: settings, audit meta and legacy tasks. */
  static Dataset<Row> filled(Dataset<Row> base) {
    WindowSpec job = Window.partitionBy("organization_id", "jobId").orderBy("timestamp")
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Column action = col("actionName");
    Column removes = from_json(col("fields_to_remove"), DataTypes.createArrayType(DataTypes.StringType));
    List<Column> out = new ArrayList<>(List.of(col("organization_id"), lit("jobs").as("serviceName"), action,
        col("timestamp"), col("jobId")));
    for (Map.Entry<String, String> e : SETTINGS.entrySet()) {
      String f = e.getKey();
      Column fromEvent = coalesce(get_json_object(col("new_settings"), "$." + f), col(f).cast("string"));
      Column fromSnapshot = get_json_object(col("lookup_settings"), "$." + f);
      Column removed = action.equalTo("update").and(coalesce(array_contains(removes, f), lit(false)));
      Column value = when(removed, lit(null).cast("string"))
          .otherwise(coalesce(last(fromEvent, true).over(job), last(fromSnapshot, true).over(job)));
      String name = f.equals("name") ? "jobName" : f;
      Column typed = f.equals("tags")
          ? from_json(value, DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
          : value.cast(e.getValue());
      out.add(typed.as(name));
    }
    Column isCreate = action.equalTo("create");
    Column createdBy = coalesce(last(when(isCreate, col("userIdentity.email")), true).over(job), col("snap_created_by"));
    Column createdTs = coalesce(last(when(isCreate, col("timestamp")), true).over(job), col("snap_created_ts"));
    Column edit = action.isin("update", "reset");
    out.addAll(List.of(
        last(col("job_type"), true).over(job).as("job_type"),
        coalesce(last(col("format"), true).over(job), get_json_object(col("lookup_settings"), "$.format")).as("format"),
        coalesce(last(col("is_from_dlt"), true).over(job), lit(false)).as("is_from_dlt"),
        coalesce(last(col("run_as_user_name"), true).over(job), col("snap_run_as_user_name")).as("run_as_user_name"),
        last(col("access_control_list"), true).over(job).as("access_control_list"),
        legacyTasks(), col("aclPermissionSet"), col("grants"), col("targetUserId"), col("sessionId"),
        col("requestId"), col("userAgent"), col("response"), col("sourceIPAddress"),
        createdBy.as("created_by"), createdTs.as("created_ts"),
        when(action.equalTo("delete"), col("userIdentity.email")).as("deleted_by"),
        when(action.equalTo("delete"), col("timestamp")).as("deleted_ts"),
        coalesce(last(when(edit, col("userIdentity.email")), true).over(job), createdBy).as("last_edited_by"),
        coalesce(last(when(edit, col("timestamp")), true).over(job), createdTs).as("last_edited_ts")));
    return base.select(out.toArray(Column[]::new));
  }

  /** JSON text of the legacy (API 2.0) task fields, taken as they are. */
  private static Column legacyTasks() {
    return org.apache.spark.sql.functions.to_json(struct(LEGACY_TASKS.stream()
        .map(t -> coalesce(get_json_object(col("new_settings"), "$." + t), col(t)).as(t))
        .toArray(Column[]::new))).as("task_detail_legacy");
  }

  /** Step 9: on the first run, one snapImpute row at fromTS for every snapshot job without events. */
  private static Dataset<Row> snapImpute(ModuleContext ctx, Dataset<Row> snapshot, Dataset<Row> base,
      org.apache.spark.sql.types.StructType shape) {
    if (!ctx.window().firstRun() || snapshot == null) {
      return null;
    }
    Dataset<Row> latest = JobsAudit.latest(snapshot).as("s").join(base.select("organization_id", "jobId").as("b"),
        col("s.organization_id").equalTo(col("b.organization_id")).and(col("s.jobId").equalTo(col("b.jobId"))),
        "left_anti");
    Map<String, Column> known = new LinkedHashMap<>();
    known.put("organization_id", col("organization_id"));
    known.put("serviceName", lit("jobs"));
    known.put("actionName", lit("snapImpute"));
    known.put("timestamp", lit(ctx.window().fromTS()));
    known.put("jobId", col("jobId"));
    for (Map.Entry<String, String> e : SETTINGS.entrySet()) {
      Column v = get_json_object(col("lookup_settings"), "$." + e.getKey());
      known.put(e.getKey().equals("name") ? "jobName" : e.getKey(), e.getKey().equals("tags")
          ? from_json(v, DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType)) : v.cast(e.getValue()));
    }
    known.put("format", get_json_object(col("lookup_settings"), "$.format"));
    known.put("is_from_dlt", lit(false));
    known.put("run_as_user_name", col("snap_run_as_user_name"));
    known.put("task_detail_legacy", org.apache.spark.sql.functions.to_json(struct(LEGACY_TASKS.stream()
        .map(t -> get_json_object(col("lookup_settings"), "$." + t).as(t)).toArray(Column[]::new))));
    known.put("requestId", lit("-1"));
    known.put("created_by", col("snap_created_by"));
    known.put("created_ts", col("snap_created_ts"));
    known.put("last_edited_by", col("snap_created_by"));
    known.put("last_edited_ts", col("snap_created_ts"));
    Column[] select = java.util.Arrays.stream(shape.fields())
        .map(f -> known.getOrDefault(f.name(), lit(null)).cast(f.dataType()).as(f.name())).toArray(Column[]::new);
    return latest.select(select);
  }
}
