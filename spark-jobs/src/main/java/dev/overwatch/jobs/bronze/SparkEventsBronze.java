package dev.overwatch.jobs.bronze;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.SchemaEnforcer;
import dev.overwatch.jobs.engine.TableStore;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.sources.EventLogDiscovery;
import dev.overwatch.jobs.sources.EventLogFile;
import dev.overwatch.jobs.sources.EventLogFile.Layout;
import dev.overwatch.jobs.sources.EventLineCheck;
import dev.overwatch.jobs.sources.EventLogReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 1006 Bronze_SparkEventLogs -> spark_events_bronze (modules.md 3, inputs.md 4). Discovers event-log
 * files in Databricks cluster-log folders and in the workspace's sparkEventLogPaths, loads each complete
 * file exactly once (tracked in spark_events_processedFiles, written and rolled back with this module),
 * quarantines unreadable files and unparseable lines, and normalises the events.
 */
public final class SparkEventsBronze implements Module {
  private static final Logger LOG = LoggerFactory.getLogger(SparkEventsBronze.class);

  public static final TargetTable TARGET = TargetTable.append("spark_events_bronze", List.of("Event"),
      List.of("fileCreateDate", "fileCreateEpochMS"), List.of("organization_id", "Event", "fileCreateDate"));
  public static final TargetTable PROCESSED_FILES = TargetTable.append("spark_events_processedFiles",
      List.of("filename"), List.of(TableStore.SNAP_TS), List.of("organization_id"));
  /** Written by 1002; referenced by name so this module does not depend on its class. */
  public static final TargetTable CLUSTERS_SNAPSHOT = TargetTable.append("clusters_snapshot_bronze",
      List.of("cluster_id", TableStore.RUN_ID), List.of(TableStore.SNAP_TS), List.of("organization_id"));
  public static final ModuleSpec SPEC = ModuleSpec.of(1006, "Bronze_SparkEventLogs", Layer.BRONZE,
      Scope.SPARK_EVENTS, TARGET, 1004).withSideTargets(PROCESSED_FILES);

  /** Marks tracker rows of logs still being written; such rows never count as processed (failed = true). */
  static final String IN_PROGRESS_MSG = "in progress";

  /** spark_events_processedFiles (pipeline.md 7.1), without the writer's meta columns. */
  public static final StructType TRACKER_SCHEMA = SchemaEnforcer.fields("filename", "fileCreateEpochMS:long",
      "fileSize:long", "withinSpecifiedTimeRange:boolean", "failed:boolean", "failMsg", "fileCreateTS:timestamp",
      "fileCreateDate:date", "organization_id");

  /** sparkEventsRawMasterSchema (inputs.md 4.3). */
  static final StructType MASTER_SCHEMA = masterSchema();

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    SparkSession spark = ctx.spark();
    EventLogDiscovery discovery = new EventLogDiscovery(spark.sparkContext().hadoopConfiguration());
    List<EventLogFile> candidates = new ArrayList<>(databricksCandidates(ctx, discovery));
    for (String folder : ctx.workspace().sparkEventLogPaths()) {
      candidates.addAll(discovery.oss(folder));
    }
    Tracker tracker = Tracker.read(ctx);
    long from = ctx.window().fromTS();
    long until = ctx.window().untilTS();

    // Selection (pipeline.md 7.2) with the fix: logs still being written are never marked processed.
    List<EventLogFile> newFiles = candidates.stream()
        .filter(f -> !f.inProgress() && !tracker.processed().contains(f.filename())).toList();
    Map<String, Boolean> selected = new LinkedHashMap<>();
    for (EventLogFile f : newFiles) {
      Long mtime = f.fileCreateEpochMS();
      // Selected by the tracker, not by time alone: a file not processed yet whose mtime is before this window
      // (copied in late with its original mtime, or skipped by an earlier failure) is loaded now. Only the first
      // window keeps its lower bound: history before the primordial date is not loaded.
      boolean inWindow = mtime != null && mtime < until && (mtime >= from || !ctx.window().firstRun());
      // Completed after being seen in progress: its mtime may precede this window, it was not loadable before.
      boolean completedLate = mtime != null && mtime < until && tracker.pending().contains(f.pendingKey());
      selected.put(f.filename(), inWindow || completedLate);
    }
    List<EventLogFile> toLoad = newFiles.stream().filter(f -> !f.failed() && selected.get(f.filename()))
        .sorted(Comparator.comparing(EventLogFile::fileSize, Comparator.nullsFirst(Comparator.reverseOrder())))
        .toList();
    List<EventLogFile> newlyPending = candidates.stream().filter(EventLogFile::inProgress)
        .filter(f -> !tracker.pending().contains(f.pendingKey()))
        .collect(Collectors.toMap(EventLogFile::pendingKey, f -> f, (a, b) -> a, LinkedHashMap::new)).values()
        .stream().toList();
    LOG.info("Spark event logs for {}: {} candidates, {} new, {} to load, {} newly in progress",
        ctx.workspace().name(), candidates.size(), newFiles.size(), toLoad.size(), newlyPending.size());

    if (toLoad.isEmpty()) {
      writeTracker(ctx, newFiles, selected, Map.of(), newlyPending);
      throw new NoNewDataException("no new complete Spark event-log files in the window", true);
    }
    List<EventLogFile> identified = identify(discovery, toLoad);
    // Each line is checked as it is read (one streaming parse), so the checks below only filter staged columns.
    Dataset<Row> lines = stage(spark, EventLogReader.read(spark,
        identified.stream().map(EventLogFile::filename).toList(), LINE_CHECK), ctx.tempDir() + "/lines");

    // An unreadable file is all-or-nothing: its lines are dropped (no partial app), the file is quarantined once.
    Map<String, String> unreadable = new HashMap<>();
    for (Row r : lines.where(col("error").isNotNull()).select("filename", "error").collectAsList()) {
      unreadable.put(r.getString(0), r.getString(1));
    }
    writeTracker(ctx, newFiles, selected, unreadable, newlyPending);
    String org = ctx.organizationId();
    ctx.quarantine(lines.where(col("error").isNotNull()).select(lit(org).as("organization_id"),
        col("filename").as("source"), concat(lit("line "), col("lineNo").cast("string")).as("position"),
        concat(lit("unreadable event-log file: "), col("error")).as("reason"), lit(null).cast("string").as("record")));
    Dataset<Row> readable = lines.where(col("error").isNull()
        .and(col("filename").isin(unreadable.keySet().toArray()).unary_$bang()));
    // Not an event, or a number field holding something else (e.g. "Timestamp": "yesterday"), which would turn the
    // inferred column into a string whose cast to the master schema fails the module on every run.
    ctx.quarantine(readable.where(col("reason").isNotNull()).select(lit(org).as("organization_id"),
        col("filename").as("source"), concat(lit("line "), col("lineNo").cast("string")).as("position"),
        col("reason"), col("line").as("record")));
    Dataset<Row> good = readable.where(col("reason").isNull()).select("filename", "line", "sample");
    if (good.isEmpty()) {
      throw new NoNewDataException("the new Spark event-log files hold no readable events", true);
    }
    return parse(ctx, good, identified, unreadable.keySet());
  }

  /** JSON paths of the event fields the master schema types as numbers (ids and epoch-millisecond times). */
  static final List<String> NUMBER_FIELDS = List.of("Timestamp", "Stage ID", "Stage Attempt ID", "Job ID",
      "Completion Time", "Submission Time", "executionId", "time", "Stage Info.Stage ID",
      "Stage Info.Stage Attempt ID", "Stage Info.Submission Time", "Stage Info.Completion Time", "Task Info.Task ID",
      "Task Info.Launch Time", "Task Info.Finish Time", "Task Info.Attempt");

  /** The per-line check done while reading (EventLogReader). */
  static final EventLineCheck LINE_CHECK = new EventLineCheck(NUMBER_FIELDS);

  // ------------------------------------------------------------------ discovery inputs

  /** Databricks layout: destinations of clusters with new activity (inputs.md 4.2 steps 1-5). */
  private static List<EventLogFile> databricksCandidates(ModuleContext ctx, EventLogDiscovery discovery) {
    Set<String> clusters = new LinkedHashSet<>();
    Set<String> destinations = new LinkedHashSet<>();
    boolean audit = ctx.workspace().hasScope(Scope.AUDIT) && ctx.tableExists(AuditLogBronze.TARGET);
    boolean snapshot = ctx.tableExists(CLUSTERS_SNAPSHOT);
    if (audit) {
      ctx.readIncremental(AuditLogBronze.TARGET, 0).select(clusterIdFromAudit().as("cid")).where("cid IS NOT NULL")
          .distinct().collectAsList().forEach(r -> clusters.add(r.getString(0)));
    }
    Dataset<Row> latestPerCluster = null;
    if (snapshot) {
      Dataset<Row> snap = ctx.readAll(CLUSTERS_SNAPSHOT);
      if (Arrays.asList(snap.columns()).contains("state")) {
        Object latest = snap.agg(max(TableStore.SNAP_TS)).first().get(0);
        if (latest != null) {
          snap.where(col(TableStore.SNAP_TS).equalTo(lit(latest)).and(col("state").equalTo("RUNNING")))
              .select("cluster_id").distinct().collectAsList().forEach(r -> clusters.add(r.getString(0)));
        }
      }
      latestPerCluster = snap.withColumn("rn", row_number().over(
          Window.partitionBy("cluster_id").orderBy(col(TableStore.SNAP_TS).desc()))).where("rn = 1");
    }
    if (clusters.isEmpty()) {
      return List.of();
    }
    Object[] ids = clusters.toArray();
    // Always the union of both sources (the original dropped the audit destinations when the snapshot had none).
    if (audit) {
      Column conf = col("requestParams.cluster_log_conf");
      ctx.readIncremental(AuditLogBronze.TARGET, 30).where(clusterIdFromAudit().isin(ids).and(conf.isNotNull()))
          .select(destination(conf, DataTypes.StringType).as("d")).where("d IS NOT NULL").distinct()
          .collectAsList().forEach(r -> destinations.add(r.getString(0)));
    }
    if (latestPerCluster != null && Arrays.asList(latestPerCluster.columns()).contains("cluster_log_conf")) {
      DataType t = latestPerCluster.schema().apply("cluster_log_conf").dataType();
      latestPerCluster.where(col("cluster_id").isin(ids)).select(destination(col("cluster_log_conf"), t).as("d"))
          .where("d IS NOT NULL").distinct().collectAsList().forEach(r -> destinations.add(r.getString(0)));
    }
    List<String> mapped = destinations.stream().map(d -> d.replaceAll("/+$", "")).filter(d -> !d.isEmpty())
        .map(ctx.workspace()::mapPath).distinct().toList();
    return discovery.databricks(mapped, clusters);
  }

  /** Rule A of modules.md 2 (cluster_idFromAudit). */
  static Column clusterIdFromAudit() {
    Column clusters = col("serviceName").equalTo("clusters");
    Column action = col("actionName");
    return when(clusters.and(action.endsWith("Result")), col("requestParams.clusterId"))
        .when(clusters.and(action.isin("permanentDelete", "delete", "resize", "edit")), col("requestParams.cluster_id"))
        .when(clusters.and(action.equalTo("create")), get_json_object(col("response.result"), "$.cluster_id"))
        .otherwise(col("requestParams.cluster_id"));
  }

  /** coalesce(dbfs, s3, volumes).destination of a cluster_log_conf given as JSON string or struct. */
  private static Column destination(Column conf, DataType type) {
    Column json = type.equals(DataTypes.StringType) ? conf : to_json(conf);
    return coalesce(get_json_object(json, "$.dbfs.destination"), get_json_object(json, "$.s3.destination"),
        get_json_object(json, "$.volumes.destination"));
  }

  /** OSS logs get their identity from their own start events; Databricks logs already have it from the path. */
  private static List<EventLogFile> identify(EventLogDiscovery discovery, List<EventLogFile> files) {
    Map<String, List<EventLogFile>> byApp = files.stream().filter(f -> f.layout() == Layout.OSS)
        .collect(Collectors.groupingBy(EventLogFile::appKey));
    Map<String, EventLogDiscovery.Identity> identities = new HashMap<>();
    for (Map.Entry<String, List<EventLogFile>> app : byApp.entrySet()) {
      String name = EventLogDiscovery.appIdFromName(new Path(app.getKey()).getName());
      EventLogDiscovery.Identity id;
      try {
        id = discovery.identify(app.getKey(), EventLogDiscovery.firstFileOf(app.getValue()));
      } catch (IOException | RuntimeException e) {
        LOG.warn("Cannot read the start events of {}; identifying it by its name: {}", app.getKey(), e.getMessage());
        id = new EventLogDiscovery.Identity(name, name);
      }
      identities.put(app.getKey(), id);
    }
    return files.stream().map(f -> f.layout() == Layout.DATABRICKS ? f
        : f.withIdentity(identities.get(f.appKey()).clusterId(), identities.get(f.appKey()).sparkContextId())).toList();
  }

  // ------------------------------------------------------------------ tracker

  /** Tracker state of this workspace: processed file names and logs seen while in progress. */
  private record Tracker(Set<String> processed, Set<String> pending) {
    static Tracker read(ModuleContext ctx) {
      if (!ctx.tableExists(PROCESSED_FILES)) {
        return new Tracker(Set.of(), Set.of());
      }
      Set<String> processed = new HashSet<>();
      Set<String> pending = new HashSet<>();
      for (Row r : ctx.readAll(PROCESSED_FILES).select("filename", "failed", "withinSpecifiedTimeRange", "failMsg")
          .distinct().collectAsList()) {
        if (Boolean.FALSE.equals(r.get(1)) && Boolean.TRUE.equals(r.get(2))) {
          processed.add(r.getString(0));
        } else if (IN_PROGRESS_MSG.equals(r.getString(3))) {
          pending.add(r.getString(0));
        }
      }
      return new Tracker(processed, pending);
    }
  }

  /** New files (also out-of-window and failed, as the original) plus logs newly seen in progress. */
  private static void writeTracker(ModuleContext ctx, List<EventLogFile> newFiles, Map<String, Boolean> selected,
      Map<String, String> unreadable, List<EventLogFile> newlyPending) {
    List<Row> rows = new ArrayList<>();
    for (EventLogFile f : newFiles) {
      // An unreadable (corrupt) file is final: processed (failed = false) with the reason in failMsg, so a
      // repeated run does not quarantine it again; failed = true stays for listing/status errors (retried).
      String unreadableMsg = unreadable.get(f.filename());
      String failMsg = unreadableMsg != null ? "unreadable: " + unreadableMsg : f.failMsg();
      rows.add(RowFactory.create(f.filename(), f.fileCreateEpochMS(), f.fileSize(), selected.get(f.filename()),
          f.failed(), failMsg, null, null, ctx.organizationId()));
    }
    for (EventLogFile f : newlyPending) {
      rows.add(RowFactory.create(f.pendingKey(), f.fileCreateEpochMS(), f.fileSize(), false, true, IN_PROGRESS_MSG,
          null, null, ctx.organizationId()));
    }
    if (rows.isEmpty()) {
      return;
    }
    Dataset<Row> df = ctx.spark().createDataFrame(rows, TRACKER_SCHEMA)
        .withColumn("fileCreateTS", col("fileCreateEpochMS").divide(1000).cast("timestamp"))
        .withColumn("fileCreateDate", to_date(col("fileCreateTS")));
    ctx.sideOutput(PROCESSED_FILES, df);
  }

  // ------------------------------------------------------------------ parsing

  private Dataset<Row> parse(ModuleContext ctx, Dataset<Row> good, List<EventLogFile> files, Set<String> unreadable) {
    SparkSession spark = ctx.spark();
    var conf = spark.conf();
    String caseSensitive = conf.get("spark.sql.caseSensitive", "false");
    String dedup = conf.get("spark.sql.mapKeyDedupPolicy", "EXCEPTION");
    conf.set("spark.sql.caseSensitive", "true");
    // Scrubbed Properties keys can collide (e.g. "a.b" and "ab"); keep the last rather than fail.
    conf.set("spark.sql.mapKeyDedupPolicy", "LAST_WIN");
    try {
      // Inferred over one line per type signature and file (EventLogReader): the same schema as over all lines.
      StructType inferred = spark.read().json(good.where(col("sample")).select("line").as(Encoders.STRING())).schema();
      Dataset<Row> parsed = good.select(col("filename").as("__filename"), from_json(col("line"), inferred).as("e"))
          .select(col("__filename"), col("e.*"));
      Dataset<Row> normalised = SparkEventNormalisation.normalise(parsed);
      normalised = SparkEventNormalisation.dropUpdatedBlocks(normalised);
      normalised = dropReserved(normalised);
      Dataset<Row> withMeta = normalised.join(broadcast(fileMeta(ctx, files, unreadable)),
          col("__filename").equalTo(col("filename")), "inner").drop("__filename")
          .withColumn("organization_id", lit(ctx.organizationId()));
      // Staged and re-read (as the original): inference and normalisation run once, on this session's settings.
      Dataset<Row> staged = stage(spark, withMeta, ctx.tempDir() + "/sparkEventsBronze");
      conf.set("spark.sql.caseSensitive", caseSensitive);
      StructType settled = ctx.tableExists(TARGET) ? ctx.readAll(TARGET).schema() : new StructType();
      return SchemaEnforcer.enforce(SparkEventNormalisation.alignTypes(staged, MASTER_SCHEMA, settled), MASTER_SCHEMA);
    } finally {
      conf.set("spark.sql.caseSensitive", caseSensitive);
      conf.set("spark.sql.mapKeyDedupPolicy", dedup);
    }
  }

  private static final List<String> RESERVED = List.of("filename", "clusterId", "SparkContextID", "filenameGroup",
      "fileCreateEpochMS", "fileSize", "withinSpecifiedTimeRange", "failed", "failMsg", "fileCreateTS",
      "fileCreateDate", "organization_id");

  /** Event fields that would collide with the columns this module adds (case-insensitively). */
  private static Dataset<Row> dropReserved(Dataset<Row> df) {
    List<String> drop = Arrays.stream(df.columns())
        .filter(c -> RESERVED.stream().anyMatch(r -> r.equalsIgnoreCase(c))).toList();
    return drop.isEmpty() ? df : df.drop(drop.toArray(String[]::new));
  }

  private static Dataset<Row> fileMeta(ModuleContext ctx, List<EventLogFile> files, Set<String> unreadable) {
    StructType schema = SchemaEnforcer.fields("filename", "clusterId", "SparkContextID", "byCluster", "byDriverHost",
        "bySparkContext", "fileCreateEpochMS:long", "fileSize:long");
    List<Row> rows = new ArrayList<>();
    for (EventLogFile f : files) {
      if (unreadable.contains(f.filename())) {
        continue;
      }
      String bySparkContext = f.layout() == Layout.DATABRICKS ? new Path(f.filename()).getParent().toString() : f.appKey();
      rows.add(RowFactory.create(f.filename(), f.clusterId(), f.sparkContextId(), f.byCluster(), f.byDriverHost(),
          bySparkContext, f.fileCreateEpochMS(), f.fileSize()));
    }
    return ctx.spark().createDataFrame(rows, schema)
        .withColumn("filenameGroup", struct(col("filename"), col("byCluster"), col("byDriverHost"), col("bySparkContext")))
        .drop("byCluster", "byDriverHost", "bySparkContext")
        // Loaded files were selected for this window (in it, or completed late) and not failed.
        .withColumn("withinSpecifiedTimeRange", lit(true))
        .withColumn("failed", lit(false))
        .withColumn("failMsg", lit(null).cast("string"))
        .withColumn("fileCreateTS", col("fileCreateEpochMS").divide(1000).cast("timestamp"))
        .withColumn("fileCreateDate", to_date(col("fileCreateTS")));
  }

  private static Dataset<Row> stage(SparkSession spark, Dataset<Row> df, String path) {
    df.write().mode("overwrite").parquet(path);
    return spark.read().parquet(path);
  }

  // ------------------------------------------------------------------ schema

  private static StructType masterSchema() {
    StructType exception = SchemaEnforcer.fields("Message");
    StructType jobResult = SchemaEnforcer.fields("Result")
        .add("Exception", exception);
    StructType executorInfo = SchemaEnforcer.fields("Host", "TotalCores:long");
    StructType taskMetrics = SchemaEnforcer.fields("ExecutorCPUTime:long", "ExecutorDeserializeCPUTime:long",
        "ExecutorDeserializeTime:long", "ExecutorRunTime:long", "JVMGCTime:long", "MemoryBytesSpilled:long",
        "DiskBytesSpilled:long", "ResultSize:long", "ResultSerializationTime:long", "PeakExecutionMemory:long");
    StructType taskExecutorMetrics = SchemaEnforcer.fields("JVMHeapMemory:long", "JVMOffHeapMemory:long");
    StructType accumulatorUpdate = SchemaEnforcer.fields("CountFailedValues:boolean", "ID:long", "Internal:boolean",
        "Update");
    StructType stackFrame = SchemaEnforcer.fields("DeclaringClass", "FileName", "LineNumber:long", "MethodName");
    StructType taskEndReason = SchemaEnforcer.fields("ClassName", "Description", "FullStackTrace", "KillReason",
            "Reason")
        .add("AccumulatorUpdates", DataTypes.createArrayType(accumulatorUpdate))
        .add("StackTrace", DataTypes.createArrayType(stackFrame))
        .add("BlockManagerAddress", SchemaEnforcer.fields("ExecutorID", "Host", "Port:long"));
    StructType taskInfo = SchemaEnforcer.fields("TaskID:long", "Attempt:long", "Host", "LaunchTime:long",
        "ExecutorID", "FinishTime:long", "ParentIDs");
    StructType stageInfo = SchemaEnforcer.fields("StageID:long", "SubmissionTime:long", "StageAttemptID:long",
            "CompletionTime:long", "NumberofTasks:long", "Details", "FailureReason")
        .add("ParentIDs", DataTypes.createArrayType(DataTypes.LongType));
    StructType filenameGroup = SchemaEnforcer.fields("filename", "byCluster", "byDriverHost", "bySparkContext");
    List<StructField> fields = new ArrayList<>();
    for (String required : List.of("organization_id", "Event", "clusterId", "SparkContextID")) {
      fields.add(DataTypes.createStructField(required, DataTypes.StringType, false));
    }
    fields.add(DataTypes.createStructField("fileCreateDate", DataTypes.DateType, false));
    fields.addAll(Arrays.asList(SchemaEnforcer.fields("JobID:long", "executionId:long", "StageID:long",
        "StageAttemptID:long", "SubmissionTime:long", "CompletionTime:long", "Timestamp:long", "time:long",
        "description", "details", "ExecutorID", "RemovedReason", "TaskType").fields()));
    fields.add(DataTypes.createStructField("JobResult", jobResult, true));
    fields.add(DataTypes.createStructField("executorInfo", executorInfo, true));
    fields.add(DataTypes.createStructField("TaskMetrics", taskMetrics, true));
    fields.add(DataTypes.createStructField("TaskExecutorMetrics", taskExecutorMetrics, true));
    fields.add(DataTypes.createStructField("TaskEndReason", taskEndReason, true));
    fields.add(DataTypes.createStructField("TaskInfo", taskInfo, true));
    fields.add(DataTypes.createStructField("StageInfo", stageInfo, true));
    fields.add(DataTypes.createStructField("filenameGroup", filenameGroup, true));
    return new StructType(fields.toArray(StructField[]::new));
  }
}
