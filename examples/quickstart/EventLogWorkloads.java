/*
 * Generates the quickstart's Spark event logs by actually running small Spark workloads
 * (Spark 4.0.x local mode, the project's own dependencies), then placing the logs in the layouts
 * Overwatch must read:
 *
 *   (a) Databricks cluster-log delivery layout, one plain uncompressed file per Spark context
 *       (what Databricks writes, Spark 3.5 style):
 *       workspaces/demo/cluster-logs/<cluster_id>/eventlog/<cluster_id>_<driver_ip>/<spark_context_id>/eventlog
 *   (b) plain OSS Spark layouts under spark-apps/eventlogs/: a Spark 4 default rolling folder
 *       (eventlog_v2_<appId>/events_1_<appId>.zstd + appstatus_<appId>), a single lz4 file,
 *       a single snappy file and a single uncompressed file.
 *
 * Every event is real (written by Spark's EventLoggingListener). Afterwards the timestamps of each
 * log are shifted by a constant so that the application falls on the quickstart's days
 * (2026-11-02 .. 2026-11-06 UTC) and matches the audit logs and API recordings written by
 * GenerateWorkspaceData.java; the application id is renamed accordingly. Compressed outputs are
 * decompressed, shifted and recompressed with Spark's own codec classes.
 *
 * Run through generate-event-logs.sh (builds the classpath, passes the Java 17 flags).
 * Usage: java ... EventLogWorkloads.java <examples/quickstart dir> <scratch dir>
 */

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.io.CompressionCodec;
import org.apache.spark.io.CompressionCodec$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.*;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.*;

public class EventLogWorkloads {

  // ---- identities shared with GenerateWorkspaceData.java (keep in sync) ----
  static final String ORG_ID = "6048213925118712";
  static final String C1 = "1021-143012-k7x2m9qa";              // shared-analytics (all-purpose)
  static final String C1_NAME = "shared-analytics";
  static final String C1_CTX_A = "3287115401866273415";         // context after the 2026-11-03 edit
  static final String C1_HOST_A = "10.20.14.37";
  static final String C1_CTX_B = "5604962178839025513";         // context after the 2026-11-04 restart
  static final String C1_HOST_B = "10.20.9.112";
  static final String JC = "1105-020007-q3w8e1rt";              // job cluster of nightly-etl, 2026-11-05
  static final String JC_CTX = "7712093348510662187";
  static final String JC_HOST = "10.20.33.5";
  static final long J1 = 281947365012847L;                      // nightly-etl
  static final long J1_NOV5_TASK_RUN = 884213907766351L;
  static final long J2 = 281947365012912L;                      // dashboard-refresh (on C1)
  static final long J2_NOV4_TASK_RUN = 884213907790412L;
  static final String NB1_PATH = "/Users/carol@example.com/orders-analysis";
  static final String NB1_ID = "2874651093318842";
  static final String NB3_PATH = "/Users/bob@example.com/streaming-demo";
  static final String NB3_ID = "2874651093320517";
  static final String CAROL = "carol@example.com", CAROL_ID = "7392018465530217";
  static final String BOB = "bob@example.com", BOB_ID = "5817264039182736";
  static final String SVC = "4b2e9c1d-7a35-4f60-9e18-c2d3a4b5f607";

  static final ObjectMapper M = new ObjectMapper();
  static Path out, scratch;

  public static void main(String[] args) throws Exception {
    out = Paths.get(args.length > 0 ? args[0] : "examples/quickstart").toAbsolutePath();
    scratch = Paths.get(args.length > 1 ? args[1] : "target/quickstart-eventlogs").toAbsolutePath();
    deleteTree(scratch);
    Files.createDirectories(scratch);
    // Spark's executor (local mode, same JVM) must see the classes of this in-memory compiled file.
    Thread.currentThread().setContextClassLoader(EventLogWorkloads.class.getClassLoader());

    Path dbx = out.resolve("workspaces/demo/cluster-logs");
    Path oss = out.resolve("spark-apps/eventlogs");
    deleteTree(dbx);
    deleteTree(oss);
    Files.createDirectories(oss);

    // (a) Databricks layout
    runDatabricks("c1-ctx-a", C1, C1_NAME, C1_CTX_A, C1_HOST_A, "2026-11-03T11:04:00Z", "2026-11-04T14:20:05Z",
        false, s -> notebookAnalysis(s));
    runDatabricks("c1-ctx-b", C1, C1_NAME, C1_CTX_B, C1_HOST_B, "2026-11-04T14:24:50Z", null,
        true, s -> { dashboardRefresh(s); streamingNotebook(s); });
    runDatabricks("jc-nov5", JC, "job-" + J1 + "-run-" + J1_NOV5_TASK_RUN, JC_CTX, JC_HOST, "2026-11-05T02:03:50Z", null,
        false, s -> nightlyEtl(s));

    // (b) OSS layouts
    runOss("oss-rolling-zstd", "rolling", "2026-11-02T09:00:00Z", s -> { ossSqlReport(s); });
    runOss("oss-lz4", "lz4", "2026-11-03T15:00:00Z", s -> { retriedTask(s); ossSqlReport(s); });
    runOss("oss-snappy", "snappy", "2026-11-05T20:00:00Z", s -> { streamingRate(s, "oss_rate_counts"); });
    runOss("oss-plain", "plain", "2026-11-06T08:00:00Z", s -> { cachedJoin(s); });

    System.out.println("Event logs written under " + dbx + " and " + oss);
  }

  interface Workload { void run(SparkSession s) throws Exception; }

  // ------------------------------------------------------------------------------------------
  // Sessions
  // ------------------------------------------------------------------------------------------

  static SparkSession.Builder base(String appName, Path logDir) {
    return SparkSession.builder()
        .master("local[2,2]")              // 2 threads, 2 task attempts: a failed task is retried
        .appName(appName)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.sql.warehouse.dir", scratch.resolve("warehouse").toString())
        .config("spark.eventLog.enabled", "true")
        .config("spark.eventLog.dir", logDir.toUri().toString());
  }

  static Map<String, String> databricksTags(String clusterId, String clusterName, String ctx, boolean interactive) {
    Map<String, String> t = new LinkedHashMap<>();
    t.put("spark.databricks.clusterUsageTags.clusterId", clusterId);
    t.put("spark.databricks.clusterUsageTags.clusterName", clusterName);
    t.put("spark.databricks.clusterUsageTags.sparkVersion", "15.4.x-scala2.12");
    t.put("spark.databricks.clusterUsageTags.clusterOwnerUserId", interactive ? "4051938271625394" : BOB_ID);
    t.put("spark.databricks.clusterUsageTags.clusterScalingType", interactive ? "autoscaling" : "fixed_size");
    t.put("spark.databricks.clusterUsageTags.clusterMinWorkers", interactive ? "2" : "2");
    t.put("spark.databricks.clusterUsageTags.clusterMaxWorkers", interactive ? "8" : "2");
    t.put("spark.databricks.clusterUsageTags.clusterTargetWorkers", "2");
    t.put("spark.databricks.clusterUsageTags.clusterWorkers", "2");
    t.put("spark.databricks.clusterUsageTags.driverNodeType", "i3.xlarge");
    t.put("spark.databricks.workerNodeTypeId", "i3.xlarge");
    t.put("spark.databricks.clusterUsageTags.autoTerminationMinutes", interactive ? "0" : "0");
    t.put("spark.databricks.clusterUsageTags.clusterAvailability", "SPOT_WITH_FALLBACK");
    t.put("spark.databricks.clusterUsageTags.clusterSpotBidPricePercent", "100");
    t.put("spark.databricks.clusterUsageTags.containerZoneId", "us-west-2a");
    t.put("spark.databricks.clusterUsageTags.dataPlaneRegion", "us-west-2");
    t.put("spark.databricks.clusterUsageTags.clusterAllTags",
        "[{\"key\":\"Vendor\",\"value\":\"Databricks\"},{\"key\":\"Creator\",\"value\":\""
            + (interactive ? "alice@example.com" : BOB) + "\"},{\"key\":\"ClusterName\",\"value\":\"" + clusterName
            + "\"},{\"key\":\"ClusterId\",\"value\":\"" + clusterId + "\"},{\"key\":\"team\",\"value\":\""
            + (interactive ? "analytics" : "data-eng") + "\"}]");
    t.put("spark.databricks.clusterSource", interactive ? "UI" : "JOB");
    t.put("spark.databricks.cloudProvider", "AWS");
    t.put("spark.databricks.api.url", "https://dbc-demo.cloud.databricks.com");
    t.put("spark.databricks.workspaceUrl", "dbc-demo.cloud.databricks.com");
    t.put("spark.databricks.clusterUsageTags.orgId", ORG_ID);
    t.put("spark.databricks.sparkContextId", ctx);
    return t;
  }

  static void runDatabricks(String tag, String clusterId, String clusterName, String ctx, String host,
                            String targetStart, String forcedEnd, boolean live, Workload w) throws Exception {
    Path logDir = scratch.resolve(tag);
    Files.createDirectories(logDir);
    boolean interactive = clusterId.equals(C1);
    SparkSession.Builder b = base("Databricks Shell", logDir)
        .config("spark.eventLog.rolling.enabled", "false")     // Databricks: one plain file per context
        .config("spark.eventLog.compress", "false");
    Map<String, String> tags = databricksTags(clusterId, clusterName, ctx, interactive);
    tags.forEach(b::config);
    long realStart = System.currentTimeMillis();
    SparkSession s = b.getOrCreate();
    tags.forEach((k, v) -> s.sparkContext().setLocalProperty(k, v));
    String appId = s.sparkContext().applicationId();
    w.run(s);
    s.stop();
    long realEnd = System.currentTimeMillis();
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();

    Path src = single(logDir);
    long delta = Instant.parse(targetStart).toEpochMilli() - realStart;
    String newAppId = "app-" + DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC)
        .format(Instant.parse(targetStart)) + "-0000";
    Long endTs = forcedEnd == null ? null : Instant.parse(forcedEnd).toEpochMilli();
    List<String> lines = shift(readLines(src, null), realStart, realEnd, delta, appId, newAppId, endTs, live);
    Path dest = out.resolve("workspaces/demo/cluster-logs").resolve(clusterId).resolve("eventlog")
        .resolve(clusterId + "_" + host.replace('.', '_')).resolve(ctx).resolve("eventlog");
    writeLines(dest, lines, null);
    touch(dest, lastTimestamp(lines));
    System.out.println(tag + ": " + appId + " -> " + dest + " (" + Files.size(dest) + " bytes)");
  }

  static void runOss(String tag, String layout, String targetStart, Workload w) throws Exception {
    Path logDir = scratch.resolve(tag);
    Files.createDirectories(logDir);
    SparkSession.Builder b = base("overwatch-quickstart-" + tag, logDir)
        .config("spark.sql.adaptive.enabled", "false");      // smaller logs (no AQE plan updates)
    switch (layout) {
      case "rolling":   // Spark 4 defaults: rolling folder, zstd
        b.config("spark.eventLog.rolling.enabled", "true").config("spark.eventLog.compress", "true")
            .config("spark.eventLog.compression.codec", "zstd");
        break;
      case "plain":
        b.config("spark.eventLog.rolling.enabled", "false").config("spark.eventLog.compress", "false");
        break;
      default:          // lz4 / snappy single files
        b.config("spark.eventLog.rolling.enabled", "false").config("spark.eventLog.compress", "true")
            .config("spark.eventLog.compression.codec", layout);
    }
    long realStart = System.currentTimeMillis();
    SparkSession s = b.getOrCreate();
    String appId = s.sparkContext().applicationId();
    w.run(s);
    s.stop();
    long realEnd = System.currentTimeMillis();
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();

    long delta = Instant.parse(targetStart).toEpochMilli() - realStart;
    String newAppId = "local-" + (Long.parseLong(appId.substring("local-".length())) + delta);
    Path oss = out.resolve("spark-apps/eventlogs");
    if (layout.equals("rolling")) {
      Path dir = single(logDir);                              // eventlog_v2_<appId>
      Path newDir = oss.resolve("eventlog_v2_" + newAppId);
      Files.createDirectories(newDir);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files.filter(p -> !p.getFileName().toString().startsWith(".")).sorted()::iterator) {
          String name = f.getFileName().toString().replace(appId, newAppId);
          if (name.startsWith("events_")) {
            String codec = name.substring(name.lastIndexOf('.') + 1);
            List<String> lines = shift(readLines(f, codec), realStart, realEnd, delta, appId, newAppId, null, false);
            writeLines(newDir.resolve(name), lines, codec);
            touch(newDir.resolve(name), lastTimestamp(lines));
          } else {                                            // appstatus_<appId> (empty marker)
            Files.copy(f, newDir.resolve(name));
            touch(newDir.resolve(name), realEnd + delta);
          }
        }
      }
      System.out.println(tag + ": " + appId + " -> " + newDir);
    } else {
      Path src = single(logDir);
      String name = src.getFileName().toString();
      String codec = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : null;
      List<String> lines = shift(readLines(src, codec), realStart, realEnd, delta, appId, newAppId, null, false);
      Path dest = oss.resolve(name.replace(appId, newAppId));
      writeLines(dest, lines, codec);
      touch(dest, lastTimestamp(lines));
      System.out.println(tag + ": " + appId + " -> " + dest + " (" + Files.size(dest) + " bytes)");
    }
  }

  // ------------------------------------------------------------------------------------------
  // Workloads (small data; 4 shuffle partitions)
  // ------------------------------------------------------------------------------------------

  static void views(SparkSession s) {
    s.range(0, 20000, 1, 4).selectExpr(
        "id AS order_id", "CAST(id % 500 AS BIGINT) AS customer_id",
        "ROUND(5 + (id * 7919 % 10000) / 100.0, 2) AS amount",
        "DATE_ADD(DATE'2026-10-01', CAST(id % 36 AS INT)) AS order_date",
        "ELT(CAST(id % 4 AS INT) + 1, 'web', 'store', 'partner', 'phone') AS channel")
        .createOrReplaceTempView("orders");
    s.range(0, 500, 1, 2).selectExpr(
        "id AS customer_id", "CONCAT('customer-', id) AS name",
        "ELT(CAST(id % 3 AS INT) + 1, 'enterprise', 'smb', 'consumer') AS segment",
        "ELT(CAST(id % 5 AS INT) + 1, 'US', 'DE', 'FR', 'JP', 'BR') AS country")
        .createOrReplaceTempView("customers");
  }

  /** Notebook commands of carol on the interactive cluster: job groups per command, a cache. */
  static void notebookAnalysis(SparkSession s) {
    var sc = s.sparkContext();
    sc.setLocalProperty("spark.databricks.notebook.path", NB1_PATH);
    sc.setLocalProperty("spark.databricks.notebook.id", NB1_ID);
    sc.setLocalProperty("user", CAROL);
    sc.setLocalProperty("userID", CAROL_ID);
    sc.setLocalProperty("spark.databricks.replId", "ReplId-6c1e2-8b7f4-2d1a9-3");
    views(s);
    command(s, "5104487212206437128", "display(revenue by segment)", () ->
        s.sql("SELECT c.segment, c.country, COUNT(*) AS orders, ROUND(SUM(o.amount), 2) AS revenue "
            + "FROM orders o JOIN customers c ON o.customer_id = c.customer_id "
            + "GROUP BY c.segment, c.country ORDER BY revenue DESC").collectAsList());
    command(s, "5104487212206437129", "recent = orders.filter(...).cache()", () -> {
      Dataset<Row> recent = s.table("orders").where("order_date >= DATE'2026-10-20'").cache();
      recent.count();
      recent.groupBy("order_date").agg(sum("amount").as("revenue"), countDistinct("customer_id").as("buyers"))
          .orderBy("order_date").collectAsList();
      recent.unpersist(true);
    });
    command(s, "5104487212206437130", "top customers per country", () ->
        s.sql("SELECT * FROM (SELECT c.country, c.name, SUM(o.amount) AS total, "
            + "RANK() OVER (PARTITION BY c.country ORDER BY SUM(o.amount) DESC) AS rnk "
            + "FROM orders o JOIN customers c ON o.customer_id = c.customer_id GROUP BY c.country, c.name) "
            + "WHERE rnk <= 3").collectAsList());
    sc.clearJobGroup();
  }

  static void command(SparkSession s, String commandId, String desc, Runnable r) {
    s.sparkContext().setJobGroup("8150433290315573713_" + commandId + "_" + UUID.nameUUIDFromBytes(commandId.getBytes()),
        desc, true);
    r.run();
  }

  /** Run of job dashboard-refresh (existing all-purpose cluster): Databricks job properties. */
  static void dashboardRefresh(SparkSession s) {
    var sc = s.sparkContext();
    sc.setLocalProperty("spark.databricks.job.id", String.valueOf(J2));
    sc.setLocalProperty("spark.databricks.job.runId", String.valueOf(J2_NOV4_TASK_RUN));
    sc.setLocalProperty("spark.databricks.job.type", "normal");
    sc.setLocalProperty("spark.databricks.notebook.path", "/Shared/analytics/dashboard-refresh");
    sc.setLocalProperty("user", BOB);
    sc.setJobGroup("2245879021877045512_6933620810093517231_job-" + J2 + "-run-" + J2_NOV4_TASK_RUN
        + "-action-3396102981467003", "dashboard-refresh", true);
    views(s);
    s.sql("SELECT order_date, channel, COUNT(*) AS orders, SUM(amount) AS revenue FROM orders "
        + "GROUP BY order_date, channel").write().mode("overwrite")
        .parquet(scratch.resolve("tables/daily_channel_revenue").toString());
    s.read().parquet(scratch.resolve("tables/daily_channel_revenue").toString())
        .groupBy("channel").agg(sum("revenue")).collectAsList();
    for (String k : List.of("spark.databricks.job.id", "spark.databricks.job.runId", "spark.databricks.job.type"))
      sc.setLocalProperty(k, null);
    sc.clearJobGroup();
  }

  /** bob's notebook on the interactive cluster: a task that fails once and is retried, then a stream. */
  static void streamingNotebook(SparkSession s) throws Exception {
    var sc = s.sparkContext();
    sc.setLocalProperty("spark.databricks.notebook.path", NB3_PATH);
    sc.setLocalProperty("spark.databricks.notebook.id", NB3_ID);
    sc.setLocalProperty("user", BOB);
    sc.setLocalProperty("userID", BOB_ID);
    command(s, "6611832054418820417", "flaky enrichment", () -> retriedTask(s));
    command(s, "6611832054418820418", "rate stream to memory", () -> {
      try { streamingRate(s, "bob_rate_counts"); } catch (Exception e) { throw new RuntimeException(e); }
    });
    sc.clearJobGroup();
  }

  /** One task of the second stage fails on its first attempt; local[2,2] retries it (maxFailures 2). */
  static void retriedTask(SparkSession s) {
    Dataset<Long> ids = s.range(0, 4000, 1, 4).as(Encoders.LONG());
    Dataset<Long> enriched = ids.map((MapFunction<Long, Long>) id -> {
      TaskContext tc = TaskContext.get();
      if (tc.partitionId() == 2 && tc.attemptNumber() == 0 && id % 1000 == 500)
        throw new IllegalStateException("Simulated transient failure (lookup service timeout) in partition "
            + tc.partitionId() + ", attempt " + tc.attemptNumber());
      return id * 31 % 997;
    }, Encoders.LONG());
    enriched.toDF("v").groupBy(col("v").mod(10).as("bucket")).count().collectAsList();
  }

  /** A small structured-streaming query: rate source, stateful aggregation, memory sink, 4 batches. */
  static void streamingRate(SparkSession s, String name) throws Exception {
    Dataset<Row> rate = s.readStream().format("rate").option("rowsPerSecond", "20").option("numPartitions", "2").load();
    StreamingQuery q = rate.groupBy(col("value").mod(5).as("k")).count()
        .writeStream().queryName(name).format("memory").outputMode("complete")
        .option("checkpointLocation", scratch.resolve("checkpoints/" + name).toString())
        .trigger(Trigger.ProcessingTime("2 seconds")).start();
    long deadline = System.currentTimeMillis() + 120_000;
    while (q.recentProgress().length < 4 && System.currentTimeMillis() < deadline) Thread.sleep(250);
    q.stop();
    s.sql("SELECT SUM(`count`) FROM " + name).collectAsList();
  }

  /** Notebook task of job nightly-etl on its job cluster. */
  static void nightlyEtl(SparkSession s) {
    var sc = s.sparkContext();
    sc.setLocalProperty("spark.databricks.job.id", String.valueOf(J1));
    sc.setLocalProperty("spark.databricks.job.runId", String.valueOf(J1_NOV5_TASK_RUN));
    sc.setLocalProperty("spark.databricks.job.type", "normal");
    sc.setLocalProperty("spark.databricks.notebook.path", "/Repos/data-eng/etl/nightly_etl");
    sc.setLocalProperty("user", SVC);
    sc.setJobGroup("1187223090817322045_7784412659930122003_job-" + J1 + "-run-" + J1_NOV5_TASK_RUN
        + "-action-8817302264514512", "nightly-etl", true);
    views(s);
    String base = scratch.resolve("tables").toString();
    s.sql("SELECT o.*, c.segment, c.country FROM orders o JOIN customers c ON o.customer_id = c.customer_id")
        .write().mode("overwrite").partitionBy("channel").parquet(base + "/orders_enriched");
    Dataset<Row> enriched = s.read().parquet(base + "/orders_enriched");
    enriched.groupBy("country", "segment").agg(sum("amount").as("revenue"), count(lit(1)).as("orders"))
        .write().mode("overwrite").parquet(base + "/revenue_by_country");
    enriched.groupBy("customer_id").agg(max("order_date").as("last_order"))
        .join(s.table("customers"), "customer_id").where("last_order < DATE'2026-10-25'").count();
    sc.clearJobGroup();
  }

  static void ossSqlReport(SparkSession s) {
    views(s);
    s.sparkContext().setJobGroup("nightly-report", "Nightly revenue report", false);
    s.sql("SELECT c.segment, o.channel, COUNT(*) n, ROUND(AVG(o.amount), 2) avg_amount FROM orders o "
        + "JOIN customers c ON o.customer_id = c.customer_id GROUP BY c.segment, o.channel").collectAsList();
    s.sql("SELECT order_date, SUM(amount) FROM orders GROUP BY order_date ORDER BY order_date").collectAsList();
    s.sparkContext().clearJobGroup();
  }

  static void cachedJoin(SparkSession s) {
    views(s);
    Dataset<Row> big = s.table("orders").join(s.table("customers"), "customer_id").cache();
    big.count();
    big.groupBy("country").agg(sum("amount")).collectAsList();
    big.groupBy("segment", "channel").count().collectAsList();
    big.unpersist(true);
  }

  // ------------------------------------------------------------------------------------------
  // Time shifting and file handling
  // ------------------------------------------------------------------------------------------

  static final Pattern ISO = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");
  static final Pattern EPOCH = Pattern.compile("\\d{13}");
  static final DateTimeFormatter ISO_MS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  static List<String> shift(List<String> lines, long realStart, long realEnd, long delta, String appId,
                            String newAppId, Long forcedEnd, boolean dropAppEnd) throws IOException {
    long lo = realStart - 120_000, hi = realEnd + 120_000;
    List<String> outLines = new ArrayList<>();
    for (String line : lines) {
      if (line.isBlank()) continue;
      JsonNode n = M.readTree(line);
      String ev = n.path("Event").asText();
      if (ev.equals("SparkListenerApplicationEnd")) {
        if (dropAppEnd) continue;                  // a live driver: its log has no end yet
        if (forcedEnd != null) { ((ObjectNode) n).put("Timestamp", forcedEnd); outLines.add(M.writeValueAsString(n)); continue; }
      }
      outLines.add(M.writeValueAsString(walk(n, lo, hi, delta, appId, newAppId)));
    }
    return outLines;
  }

  static JsonNode walk(JsonNode n, long lo, long hi, long delta, String appId, String newAppId) {
    if (n.isObject()) {
      ObjectNode o = (ObjectNode) n;
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      for (String k : names) o.set(k, walk(o.get(k), lo, hi, delta, appId, newAppId));
      return o;
    }
    if (n.isArray()) {
      ArrayNode a = (ArrayNode) n;
      for (int i = 0; i < a.size(); i++) a.set(i, walk(a.get(i), lo, hi, delta, appId, newAppId));
      return a;
    }
    if (n.isIntegralNumber()) {
      long v = n.asLong();
      return (v >= lo && v <= hi) ? LongNode.valueOf(v + delta) : n;
    }
    if (n.isTextual()) {
      String t = n.asText();
      String r = t.contains(appId) ? t.replace(appId, newAppId) : t;
      if (EPOCH.matcher(r).matches()) {
        long v = Long.parseLong(r);
        if (v >= lo && v <= hi) r = String.valueOf(v + delta);
      } else if (ISO.matcher(r).matches()) {
        long v = Instant.parse(r).toEpochMilli();
        if (v >= lo && v <= hi) r = ISO_MS.format(Instant.ofEpochMilli(v + delta));
      }
      return r.equals(t) ? n : TextNode.valueOf(r);
    }
    return n;
  }

  static long lastTimestamp(List<String> lines) throws IOException {
    long max = 0;
    for (String l : lines) {
      JsonNode n = M.readTree(l);
      for (String k : List.of("Timestamp", "time", "Completion Time", "Submission Time"))
        if (n.has(k) && n.get(k).isNumber()) max = Math.max(max, n.get(k).asLong());
    }
    return max;
  }

  static CompressionCodec codec(String name) {
    return CompressionCodec$.MODULE$.createCodec(new SparkConf(), name);
  }

  static List<String> readLines(Path f, String codecName) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(f));
    if (codecName != null) in = codec(codecName).compressedInputStream(in);
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      List<String> lines = new ArrayList<>();
      for (String l; (l = r.readLine()) != null; ) lines.add(l);
      return lines;
    }
  }

  static void writeLines(Path f, List<String> lines, String codecName) throws IOException {
    Files.createDirectories(f.getParent());
    OutputStream os = new BufferedOutputStream(Files.newOutputStream(f));
    if (codecName != null) os = codec(codecName).compressedOutputStream(os);
    try (Writer w = new OutputStreamWriter(os, StandardCharsets.UTF_8)) {
      for (String l : lines) { w.write(l); w.write('\n'); }
    }
  }

  static Path single(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> l = s.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
      if (l.size() != 1) throw new IllegalStateException("expected one event log in " + dir + ": " + l);
      return l.get(0);
    }
  }

  static void touch(Path f, long epochMs) throws IOException {
    if (epochMs > 0) Files.setLastModifiedTime(f, FileTime.fromMillis(epochMs));
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) Files.delete(x);
    }
  }
}
