package dev.overwatch.jobs.engine;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;

import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.CommitInfo;
import org.apache.spark.sql.delta.util.FileNames;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Where tables live and how rows reach them: paths, registration, incremental reads, idempotent
 * appends, null-safe merges, per-run rollback (pipeline.md sections 4 and 6).
 */
public final class TableStore {
  public static final String SNAP_TS = "Pipeline_SnapTS";
  public static final String RUN_ID = "Overwatch_RunID";
  public static final String WORKSPACE_NAME = "workspace_name";
  private static final Logger LOG = LoggerFactory.getLogger(TableStore.class);
  private static final int MAX_WRITE_ATTEMPTS = 5;

  private final SparkSession spark;
  private final String storagePrefix;
  private final String etlDatabase;
  private final Set<String> registered;

  public TableStore(SparkSession spark, String storagePrefix, String etlDatabase) {
    this(spark, storagePrefix, etlDatabase, ConcurrentHashMap.newKeySet());
  }

  /**
   * A store sharing {@code registered} with the other stores of one run, so that each table is registered in the
   * catalog once per run rather than after every write (a catalog round trip each).
   */
  public TableStore(SparkSession spark, String storagePrefix, String etlDatabase, Set<String> registered) {
    this.spark = spark;
    this.storagePrefix = storagePrefix;
    this.etlDatabase = etlDatabase;
    this.registered = registered;
  }

  public SparkSession spark() {
    return spark;
  }

  public String etlDatabase() {
    return etlDatabase;
  }

  public String path(TargetTable table) {
    return storagePrefix + "/" + etlDatabase + "/" + table.folderName();
  }

  public String qualifiedName(TargetTable table) {
    return "`" + etlDatabase + "`.`" + table.name() + "`";
  }

  public boolean exists(TargetTable table) {
    return DeltaTable.isDeltaTable(spark, path(table));
  }

  /** Registers the table in the ETL database (idempotent; once per run of this store). */
  public void register(TargetTable table) {
    String name = qualifiedName(table);
    // The catalog folds names to lower case (see registeredInCatalog).
    String key = name.toLowerCase(Locale.ROOT);
    if (registered.contains(key)) {
      return;
    }
    spark.sql("CREATE TABLE IF NOT EXISTS " + name + " USING DELTA LOCATION '" + path(table) + "'");
    registered.add(key);
  }

  /**
   * Takes the tables the ETL database already holds as registered, from one catalog listing: registering them
   * would be a no-op, and each is otherwise a catalog round trip the first time a run writes or publishes it.
   */
  public void registeredInCatalog() {
    var catalog = spark.sessionState().catalog().externalCatalog();
    for (String table : scala.jdk.javaapi.CollectionConverters.asJava(catalog.listTables(etlDatabase))) {
      registered.add(("`" + etlDatabase + "`.`" + table + "`").toLowerCase(Locale.ROOT));
    }
  }

  /** Every row of one workspace. */
  public Dataset<Row> readAll(TargetTable table, String organizationId) {
    return spark.read().format("delta").load(path(table)).where(col(TargetTable.ORG).equalTo(organizationId));
  }

  /**
   * Rows of one workspace within the reading module's window widened by lagDays, one filter per
   * incremental column of the source (pipeline.md 4.4).
   */
  public Dataset<Row> readIncremental(TargetTable table, String organizationId, TimeWindow window, int lagDays,
      ZoneId zone) {
    Dataset<Row> df = readAll(table, organizationId);
    long lagMs = lagDays * 86_400_000L;
    for (String c : table.incrementalColumns()) {
      DataType type = df.schema().apply(c).dataType();
      if (type.equals(DataTypes.DateType)) {
        LocalDate from = window.fromDate(zone).minusDays(lagDays);
        LocalDate until = window.untilDate(zone).plusDays(1);
        df = df.where(col(c).geq(lit(java.sql.Date.valueOf(from))).and(col(c).lt(lit(java.sql.Date.valueOf(until)))));
      } else if (type.equals(DataTypes.TimestampType)) {
        df = df.where(col(c).geq(lit(new Timestamp(window.fromTS() - lagMs))).and(col(c).lt(lit(new Timestamp(window.untilTS())))));
      } else if (type.equals(DataTypes.LongType) || type.equals(DataTypes.IntegerType)) {
        df = df.where(col(c).geq(window.fromTS() - lagMs).and(col(c).lt(window.untilTS())));
      } else {
        throw new IllegalStateException("incremental column " + c + " of " + table.name() + " has unsupported type " + type);
      }
    }
    return df;
  }

  /**
   * Facts the writer needs besides the rows.
   *
   * @param writerId tag of every commit of this write (Delta {@code userMetadata} and idempotent-append app id):
   *     one module attempt of one run for one workspace, so row counts and rollbacks see only its own commits
   */
  public record WriteRequest(String organizationId, String workspaceName, String runId, Instant snapshot,
      TimeWindow window, ZoneId zone, long txnVersion, String writerId) {

    /** A request whose commits are tagged with the run id alone (one writer per run and table). */
    public WriteRequest(String organizationId, String workspaceName, String runId, Instant snapshot, TimeWindow window,
        ZoneId zone, long txnVersion) {
      this(organizationId, workspaceName, runId, snapshot, window, zone, txnVersion, runId);
    }
  }

  /** What a write did. */
  public record WriteResult(long rows, Map<String, String> metrics) {
    public static final WriteResult NOTHING = new WriteResult(0, Map.of());
  }

  /** Adds the meta columns, de-duplicates if required and writes with the target's mode. */
  public WriteResult write(TargetTable table, Dataset<Row> rows, WriteRequest request) {
    Dataset<Row> prepared = withMetaColumns(table, rows, request);
    if (table.dedup() || table.mode() != WriteMode.APPEND) {
      LinkedHashSet<String> dedupCols = new LinkedHashSet<>(table.effectiveKeys());
      dedupCols.addAll(table.incrementalColumns());
      prepared = prepared.dropDuplicates(dedupCols.toArray(String[]::new));
    }
    for (int attempt = 1; ; attempt++) {
      try {
        // A merge into a table without this workspace's rows only inserts: no scan to find out whether it has any.
        boolean app = table.mode() == WriteMode.APPEND || !exists(table);
        WriteResult result = app ? append(table, prepared, request) : merge(table, prepared, request);
        register(table);
        return result;
      } catch (RuntimeException e) {
        String msg = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        boolean conflict = msg.contains("concurrent") || msg.contains("conflicting");
        if (!conflict || attempt >= MAX_WRITE_ATTEMPTS) {
          throw e;
        }
        long sleep = ThreadLocalRandom.current().nextLong(1_000, 5_000) * attempt;
        LOG.warn("Concurrent write to {} (attempt {}), retrying in {} ms", table.name(), attempt, sleep);
        sleepQuietly(sleep);
      }
    }
  }

  private Dataset<Row> withMetaColumns(TargetTable table, Dataset<Row> rows, WriteRequest request) {
    Dataset<Row> df = rows;
    if (table.partitionBy().contains(TargetTable.NOISE) && !Arrays.asList(df.columns()).contains(TargetTable.NOISE)) {
      df = df.withColumn(TargetTable.NOISE, floor(rand().multiply(32)).cast(DataTypes.IntegerType));
    }
    return df.withColumn(SNAP_TS, lit(Timestamp.from(request.snapshot())))
        .withColumn(RUN_ID, lit(request.runId()))
        .withColumn(WORKSPACE_NAME, lit(request.workspaceName()));
  }

  private WriteResult append(TargetTable table, Dataset<Row> df, WriteRequest request) {
    // The writer id names the module attempt: two modules appending to one shared table (pipeline_quarantine) in
    // one run must not take each other's commit for their own and skip it.
    String appId = "overwatch:" + request.organizationId() + ":" + table.folderName() + ":" + request.writerId();
    var writer = df.write().format("delta").mode("append")
        .option("mergeSchema", "true")
        .option("txnAppId", appId)
        .option("txnVersion", request.txnVersion())
        .option("userMetadata", request.writerId());
    if (!table.partitionBy().isEmpty()) {
      writer = writer.partitionBy(table.partitionBy().toArray(String[]::new));
    }
    long before = latestVersion(table);
    writer.save(path(table));
    return resultSince(table, before, request.writerId(), "numOutputRows");
  }

  private WriteResult merge(TargetTable table, Dataset<Row> df, WriteRequest request) {
    LinkedHashSet<String> matchCols = new LinkedHashSet<>(table.effectiveKeys());
    matchCols.addAll(table.incrementalColumns());
    StringBuilder cond = new StringBuilder();
    for (String c : matchCols) {
      // Null-safe equality: a null key must match itself, or reruns re-insert it (pipeline.md 4.2 pitfall).
      cond.append(cond.length() == 0 ? "" : " AND ").append("t.`").append(c).append("` <=> s.`").append(c).append('`');
    }
    cond.append(" AND t.`").append(TargetTable.ORG).append("` = '").append(request.organizationId()).append('\'');
    StructType schema = DeltaTable.forPath(spark, path(table)).toDF().schema();
    for (String p : table.partitionBy()) {
      if (Arrays.asList(schema.fieldNames()).contains(p) && schema.apply(p).dataType().equals(DataTypes.DateType)) {
        LocalDate from = request.window().fromDate(request.zone()).minusDays(table.maxMergeScanDays());
        LocalDate until = request.window().untilDate(request.zone()).plusDays(1);
        cond.append(" AND t.`").append(p).append("` >= DATE'").append(from).append("' AND t.`").append(p)
            .append("` < DATE'").append(until).append('\'');
      }
    }
    long before = latestVersion(table);
    String key = "spark.databricks.delta.commitInfo.userMetadata";
    spark.conf().set(key, request.writerId());
    try {
      var builder = DeltaTable.forPath(spark, path(table)).as("t").merge(df.as("s"), cond.toString());
      if (table.mode() == WriteMode.MERGE) {
        builder = builder.whenMatched().updateAll();
      }
      builder.whenNotMatched().insertAll().execute();
    } finally {
      spark.conf().unset(key);
    }
    return resultSince(table, before, request.writerId(), "numTargetRowsInserted", "numTargetRowsUpdated");
  }

  /** Deletes the rows a run wrote for one workspace (rollback of append-only tables, pipeline.md 6.1). */
  public void deleteRun(TargetTable table, String organizationId, String runId) {
    deleteRun(table, organizationId, runId, lit(true));
  }

  /** As {@link #deleteRun(TargetTable, String, String)}, narrowed by an extra condition. */
  public void deleteRun(TargetTable table, String organizationId, String runId, Column narrowing) {
    if (!exists(table)) {
      return;
    }
    DeltaTable.forPath(spark, path(table))
        .delete(col(TargetTable.ORG).equalTo(organizationId).and(col(RUN_ID).equalTo(runId)).and(narrowing));
  }

  /**
   * Puts one workspace's rows of a table back into their state before the commits tagged {@code writerId}.
   * Append-only tables: the writer's rows are exactly those carrying its run id, so they are deleted. Merge
   * tables: a merge also rewrites older rows it only updated, so deleting by run id would lose them; instead
   * the table is restored to the version before the writer's first commit when nothing else committed since
   * (Delta RESTORE, metadata only), or else the workspace's rows are replaced by that version's rows (one
   * atomic {@code replaceWhere} overwrite; only this module writes this workspace's rows of its target).
   */
  public void rollback(TargetTable table, String organizationId, String runId, String writerId, Column narrowing) {
    if (!exists(table)) {
      return;
    }
    if (table.mode() == WriteMode.APPEND) {
      deleteRun(table, organizationId, runId, narrowing);
      return;
    }
    DeltaTable delta = DeltaTable.forPath(spark, path(table));
    List<Row> history = delta.history().select("version", "userMetadata").collectAsList();
    long first = history.stream().filter(r -> writerId.equals(r.getString(1))).mapToLong(r -> r.getLong(0))
        .min().orElse(-1);
    if (first < 0) {
      return; // the writer never committed here
    }
    boolean onlyOurs = history.stream().filter(r -> r.getLong(0) >= first).allMatch(r -> writerId.equals(r.getString(1)));
    Column org = col(TargetTable.ORG).equalTo(organizationId);
    if (first == 0) {
      delta.delete(org); // the writer created the table: before it, the workspace had no rows
    } else if (onlyOurs) {
      delta.restoreToVersion(first - 1);
    } else {
      Dataset<Row> before = spark.read().format("delta").option("versionAsOf", first - 1).load(path(table)).where(org);
      var writer = before.write().format("delta").mode("overwrite")
          .option("replaceWhere", TargetTable.ORG + " = '" + organizationId.replace("'", "''") + "'");
      if (!table.partitionBy().isEmpty()) {
        writer = writer.partitionBy(table.partitionBy().toArray(String[]::new));
      }
      writer.save(path(table));
    }
    LOG.info("Rolled back {} for workspace {}: commits of {} from version {} ({})", table.name(), organizationId,
        writerId, first, first == 0 ? "delete" : onlyOurs ? "restore" : "replaceWhere");
  }

  private long latestVersion(TargetTable table) {
    DeltaLog log = DeltaLog.forTable(spark, path(table));
    // update() lists the log from the cached snapshot on: no Spark job, state stays warm across modules.
    Snapshot snapshot = log.update(false, Option.empty(), Option.empty());
    return snapshot.version();
  }

  /**
   * Sums the given operation metrics over this writer's commits made after {@code before}; commits of other
   * writers (workspaces running concurrently) in between are not counted. Reads the commit files themselves
   * (Delta's history API starts a Spark job per call).
   */
  private WriteResult resultSince(TargetTable table, long before, String writerId, String... rowMetrics) {
    DeltaLog log = DeltaLog.forTable(spark, path(table));
    long after = log.update(false, Option.empty(), Option.empty()).version();
    Map<String, String> metrics = new HashMap<>();
    long rows = 0;
    for (long v = before + 1; v <= after; v++) {
      CommitInfo commit = commitInfo(log, v);
      if (commit == null || !commit.userMetadata().contains(writerId)) {
        continue;
      }
      Map<String, String> m = commit.operationMetrics().isEmpty() ? Map.of()
          : CollectionConverters.asJava(commit.operationMetrics().get());
      metrics.putAll(m);
      for (String metric : rowMetrics) {
        rows += Long.parseLong(m.getOrDefault(metric, "0"));
      }
    }
    return new WriteResult(rows, metrics);
  }

  private static CommitInfo commitInfo(DeltaLog log, long version) {
    var lines = log.store().readAsIterator(FileNames.unsafeDeltaFile(log.logPath(), version), log.newDeltaHadoopConf());
    try {
      while (lines.hasNext()) {
        String line = lines.next();
        if (line.contains("\"commitInfo\"")) {
          Action action = Action.fromJson(line);
          if (action instanceof CommitInfo info) {
            return info;
          }
        }
      }
      return null;
    } finally {
      try {
        lines.close();
      } catch (java.io.IOException e) {
        LOG.debug("closing commit {} of {}", version, log.logPath(), e);
      }
    }
  }

  /** Creates an empty table with a fixed schema if it does not exist (tracking tables). */
  public void createIfMissing(TargetTable table, StructType schema) {
    if (exists(table)) {
      register(table);
      return;
    }
    String columns = Arrays.stream(schema.fields())
        .map(f -> "`" + f.name() + "` " + f.dataType().sql())
        .collect(Collectors.joining(", "));
    String partitions = table.partitionBy().isEmpty() ? ""
        : " PARTITIONED BY (" + table.partitionBy().stream().map(p -> "`" + p + "`").collect(Collectors.joining(", ")) + ")";
    spark.sql("CREATE TABLE IF NOT EXISTS " + qualifiedName(table) + " (" + columns + ") USING DELTA" + partitions
        + " LOCATION '" + path(table) + "'");
  }

  /** Appends rows as they are (no meta columns), for tracking tables whose rows carry them already. */
  public void appendRaw(TargetTable table, Dataset<Row> rows) {
    // mergeSchema: a column added in a later version (pipeline_report.attemptID) reaches existing tables.
    var writer = rows.write().format("delta").mode("append").option("mergeSchema", "true");
    if (!table.partitionBy().isEmpty()) {
      writer = writer.partitionBy(table.partitionBy().toArray(String[]::new));
    }
    writer.save(path(table));
  }

  public static List<Column> columns(String... names) {
    List<Column> out = new ArrayList<>();
    for (String n : names) {
      out.add(col(n));
    }
    return out;
  }

  public static StructField field(String name, DataType type) {
    return DataTypes.createStructField(name, type, true);
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to retry a write", e);
    }
  }
}
