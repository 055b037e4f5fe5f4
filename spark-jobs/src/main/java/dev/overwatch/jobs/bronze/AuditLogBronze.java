package dev.overwatch.jobs.bronze;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.SchemaEnforcer;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WriteMode;
import dev.overwatch.jobs.sources.AuditDeliveries;
import dev.overwatch.jobs.sources.TextLines;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * 1004 Bronze_AuditLogs -> audit_log_bronze. Reads whole days of delivered audit logs
 * ({@code <path>/date=YYYY-MM-DD/*} as JSON lines or parquet, or a Delta table with a date column; auditLogs.format)
 * for the window, quarantines records that are not audit events,
 * and inserts the others keyed by (timestamp, serviceName, actionName, requestId, hashKey).
 */
public final class AuditLogBronze implements Module {
  public static final TargetTable TARGET = TargetTable.merge("audit_log_bronze", WriteMode.MERGE_INSERT,
      List.of("timestamp", "serviceName", "actionName", "requestId", "hashKey"), List.of("date", "timestamp"),
      List.of("organization_id", "date"), 33);
  public static final ModuleSpec SPEC = ModuleSpec.of(1004, "Bronze_AuditLogs", Layer.BRONZE, Scope.AUDIT, TARGET);

  /** auditMasterSchema (inputs.md 1.3): typed nulls when absent, casts when present with another type. */
  static final StructType REQUEST_PARAMS = SchemaEnforcer.fields(
      // clusters
      "clusterId", "cluster_id", "clusterName", "cluster_name", "clusterState", "driver_node_type_id", "node_type_id",
      "num_workers:int", "autoscale", "clusterWorkers", "autotermination_minutes:int", "enable_elastic_disk:boolean",
      "start_cluster:boolean", "clusterOwnerUserId", "cluster_log_conf", "init_scripts", "custom_tags",
      "cluster_source", "spark_env_vars", "spark_conf", "acl_path_prefix", "driver_instance_pool_id",
      "instance_pool_id", "instance_pool_name", "spark_version", "effective_spark_version", "runtime_engine",
      "cluster_creator", "idempotency_token", "user_id", "ssh_public_keys", "single_user_name", "aws_attributes",
      "azure_attributes", "gcp_attributes",
      // jobs
      "jobId:long", "job_id:long", "runId:long", "run_id:long", "idInJob:long", "resourceId:long",
      "timeout_seconds:long", "max_concurrent_runs:long", "max_retries:long", "min_retry_interval_millis:long",
      "retry_on_timeout:boolean", "is_from_dlt:boolean", "jobTaskType", "job_type", "format", "tags",
      "multitaskParentRunId", "parentRunId", "taskKey", "repairId", "rerun_tasks", "latest_repair_id", "jar_params",
      "python_params", "spark_submit_params", "notebook_params", "python_named_params", "pipeline_params",
      "sql_params", "dbt_commands", "tasks", "access_control_list", "git_source", "taskDependencies",
      "jobClusterType", "jobTerminalState", "jobTriggerType", "workflow_context", "libraries", "run_name", "name",
      "schedule", "email_notifications", "notebook_task", "spark_python_task", "spark_jar_task", "python_wheel_task",
      "spark_submit_task", "shell_command_task", "pipeline_task", "new_settings", "existing_cluster_id",
      "job_clusters", "new_cluster", "run_as_user_name", "aclPermissionSet", "grants", "targetUserId",
      "fields_to_remove",
      // pools
      "preloaded_spark_versions", "idle_instance_autotermination_minutes:long", "max_capacity:long",
      "min_idle_instances:long",
      // accounts / ssh
      "instanceId", "port", "publicKey", "containerId", "userName", "user", "email", "endpoint", "targetUserName",
      "targetGroupName", "targetGroupId",
      // notebooks
      "notebookId", "notebookName", "path", "oldName", "oldPath", "newName", "newPath", "parentPath", "commandText",
      "commandId", "commandLanguage", "executionTime", "status",
      // DBSQL
      "id", "dataSourceId", "dashboardId", "alertId", "cluster_size", "channel", "warehouse_type", "spot_instance_policy",
      "min_num_clusters:long", "max_num_clusters:long", "auto_stop_mins:long", "enable_photon:boolean",
      "enable_serverless_compute:boolean",
      // excluded
      "organization_id:null", "shardName:null", "orgId:null", "version:null", "accountId:null");

  public static final StructType MASTER_SCHEMA = new StructType(concatFields(
      SchemaEnforcer.fields("serviceName", "actionName", "organization_id", "timestamp:long", "date:date",
          "sourceIPAddress", "userAgent", "requestId", "sessionId", "version", "hashKey:long",
          "instanceId:null", "containerId:null"),
      new StructField[] {
          DataTypes.createStructField("requestParams", REQUEST_PARAMS, true),
          DataTypes.createStructField("response",
              SchemaEnforcer.fields("errorMessage", "result", "statusCode:long"), true),
          DataTypes.createStructField("userIdentity", SchemaEnforcer.fields("email"), true)}));

  /** Request parameters delivered in two spellings; which one an action uses (inputs.md 1.3). */
  private static final Map<String, List<String>> CAPITALISED_FOR = Map.of(
      "dataSourceId", List.of("executeFastQuery"),
      "dashboardId", List.of("createRefreshSchedule", "deleteRefreshSchedule", "updateRefreshSchedule"),
      "alertId", List.of("createRefreshSchedule", "deleteRefreshSchedule", "updateRefreshSchedule"));

  /** The audit response with its fields in the master schema's order, whatever order the batch inferred. */
  public static Column response() {
    return org.apache.spark.sql.functions.struct(col("response.errorMessage").as("errorMessage"),
        col("response.result").as("result"), col("response.statusCode").as("statusCode"));
  }

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    String root = ctx.workspace().auditLogPath().orElseThrow(() -> new IllegalStateException(
        "workspace " + ctx.workspace().name() + " has the audit scope but no auditLogs.path"));
    if (!TextLines.exists(ctx.spark(), root)) {
      throw new IllegalStateException("auditLogs.path " + root + " does not exist (audit logs are required)");
    }
    LocalDate from = ctx.window().fromDate(ctx.zone());
    LocalDate until = ctx.window().untilDate(ctx.zone());
    // Unreadable files (corrupt or truncated archives, parquet without a footer), lines over the size limit and
    // non-UTF-8 lines come with an error from the reader; the other records are checked as audit events.
    Dataset<Row> lines = AuditDeliveries.read(ctx.spark(), root, ctx.workspace().auditLogFormat(), from, until)
        .where("error IS NOT NULL OR trim(line) <> ''").cache();
    if (lines.isEmpty()) {
      // Delivery may lag: keep the window so the day is read once it arrives.
      throw new NoNewDataException("no audit-log records for " + from + " .. " + until + " under " + root
          + " (" + ctx.workspace().auditLogFormat() + ")", false);
    }
    Dataset<Row> checked = lines.withColumn("reason", coalesce(col("error"), validationReason()));
    ctx.quarantine(checked.where(col("reason").isNotNull()).select(
        lit(ctx.organizationId()).as("organization_id"), col("filename").as("source"), col("position"),
        col("reason"), col("line").as("record")));
    Dataset<Row> valid = checked.where(col("reason").isNull()).select("filename", "line", "__audit_day");
    return parse(ctx, valid);
  }

  /** Why a line is not an audit event, or null when it is one. */
  static Column validationReason() {
    Column json = expr("get_json_object(line, '$')");
    Column ts = expr("get_json_object(line, '$.timestamp')");
    Column service = expr("get_json_object(line, '$.serviceName')");
    Column action = expr("get_json_object(line, '$.actionName')");
    Column params = expr("get_json_object(line, '$.requestParams')");
    Column response = expr("get_json_object(line, '$.response')");
    Column status = expr("get_json_object(line, '$.response.statusCode')");
    Column reason = when(json.isNull(), lit("malformed JSON"))
        .when(expr("NOT startswith(ltrim(line), '{')"), lit("not a JSON object"))
        .when(ts.isNull(), lit("missing timestamp"))
        .when(expr("NOT (get_json_object(line, '$.timestamp') RLIKE '^[0-9]{10,16}$')"),
            concat(lit("timestamp is not epoch milliseconds: "), ts))
        .when(service.isNull().or(action.isNull()), lit("missing serviceName or actionName"))
        .when(params.isNotNull().and(expr("NOT startswith(get_json_object(line, '$.requestParams'), '{')")),
            lit("requestParams is not an object"))
        .when(response.isNotNull().and(expr("NOT startswith(get_json_object(line, '$.response'), '{')")),
            lit("response is not an object"))
        .when(status.isNotNull().and(expr("NOT (get_json_object(line, '$.response.statusCode') RLIKE '^-?[0-9]{1,18}$')")),
            concat(lit("response.statusCode is not a number: "), status));
    // A typed request parameter with a value of another type (e.g. num_workers: "two") would fail the cast to the
    // master schema, and with it the module on every run: such a record is quarantined instead.
    for (StructField f : REQUEST_PARAMS.fields()) {
      String pattern = typePattern(f.dataType());
      if (pattern != null) {
        Column value = expr("get_json_object(line, '$.requestParams." + f.name() + "')");
        reason = reason.when(value.isNotNull().and(value.rlike(pattern).unary_$bang()),
            concat(lit("requestParams." + f.name() + " is not " + f.dataType().simpleString() + ": "),
                expr("left(get_json_object(line, '$.requestParams." + f.name() + "'), 200)")));
      }
    }
    return reason;
  }

  /** The text of a JSON value castable to the type, or null for strings (any value fits). */
  private static String typePattern(org.apache.spark.sql.types.DataType type) {
    if (type.equals(DataTypes.IntegerType)) {
      return "^\\s*-?[0-9]{1,9}\\s*$";
    }
    if (type.equals(DataTypes.LongType)) {
      return "^\\s*-?[0-9]{1,18}\\s*$";
    }
    if (type.equals(DataTypes.BooleanType)) {
      return "^(?i)\\s*(true|false|t|f|yes|no|y|n|1|0)\\s*$";
    }
    return null;
  }

  private Dataset<Row> parse(ModuleContext ctx, Dataset<Row> valid) {
    // Case variants of the same request parameter occur in real data: infer case-sensitively, then merge them.
    var conf = ctx.spark().conf();
    String previous = conf.get("spark.sql.caseSensitive", "false");
    conf.set("spark.sql.caseSensitive", "true");
    try {
      Dataset<String> json = valid.select("line").as(Encoders.STRING());
      StructType inferred = ctx.spark().read().option("mode", "PERMISSIVE").json(json).schema();
      Dataset<Row> parsed = valid.select(col("filename"), col("__audit_day"),
          org.apache.spark.sql.functions.from_json(col("line"), inferred).as("r")).select("filename", "__audit_day", "r.*");
      parsed = repairCaseConflicts(parsed);
      parsed = parsed
          .withColumn("organization_id", lit(ctx.organizationId()))
          .withColumn("date", col("__audit_day").cast("date"));
      parsed = dropCaseDuplicatesAtTop(parsed.drop("__audit_day"));
      conf.set("spark.sql.caseSensitive", previous);
      Dataset<Row> enforced = SchemaEnforcer.enforce(parsed, MASTER_SCHEMA);
      return enforced.withColumn("hashKey", xxhash64(col("organization_id"), col("timestamp"), col("serviceName"),
          col("actionName"), col("requestId"), to_json(col("requestParams"))));
    } finally {
      conf.set("spark.sql.caseSensitive", previous);
    }
  }

  /** Keeps one of each pair of requestParams fields that differ only by case (inputs.md 1.3). */
  static Dataset<Row> repairCaseConflicts(Dataset<Row> df) {
    if (!Arrays.asList(df.columns()).contains("requestParams")
        || !(df.schema().apply("requestParams").dataType() instanceof StructType params)) {
      return df;
    }
    Map<String, List<String>> byLower = new HashMap<>();
    for (StructField f : params.fields()) {
      byLower.computeIfAbsent(f.name().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(f.name());
    }
    Column rp = col("requestParams");
    boolean changed = false;
    for (List<String> variants : byLower.values()) {
      if (variants.size() < 2) {
        continue;
      }
      String lower = variants.stream().filter(v -> Character.isLowerCase(v.charAt(0))).findFirst().orElse(variants.get(0));
      String upper = variants.stream().filter(v -> !v.equals(lower)).findFirst().orElseThrow();
      List<String> upperActions = CAPITALISED_FOR.getOrDefault(lower, List.of());
      Column chosen = upperActions.isEmpty()
          ? coalesce(col("requestParams.`" + lower + "`"), col("requestParams.`" + upper + "`").cast("string"))
          : when(col("actionName").isin(upperActions.toArray()), col("requestParams.`" + upper + "`").cast("string"))
              .otherwise(col("requestParams.`" + lower + "`").cast("string"));
      rp = SchemaEnforcer.dropFields(rp, variants).withField(lower, chosen);
      changed = true;
    }
    return changed ? df.withColumn("requestParams", rp) : df;
  }

  /** Top-level columns can collide too once case-insensitive again; keep the first spelling. */
  private static Dataset<Row> dropCaseDuplicatesAtTop(Dataset<Row> df) {
    Map<String, String> seen = new HashMap<>();
    List<Column> keep = new ArrayList<>();
    for (String c : df.columns()) {
      if (seen.putIfAbsent(c.toLowerCase(Locale.ROOT), c) == null) {
        keep.add(col("`" + c + "`"));
      }
    }
    return df.select(keep.toArray(Column[]::new));
  }

  private static StructField[] concatFields(StructType a, StructField[] b) {
    List<StructField> all = new ArrayList<>(Arrays.asList(a.fields()));
    all.addAll(Arrays.asList(b));
    return all.toArray(StructField[]::new);
  }
}
