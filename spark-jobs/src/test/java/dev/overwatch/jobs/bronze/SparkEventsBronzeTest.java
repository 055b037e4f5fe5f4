package dev.overwatch.jobs.bronze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.overwatch.jobs.TestSpark;
import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.config.StoragePaths;
import dev.overwatch.jobs.engine.EngineTestAccess;
import dev.overwatch.jobs.engine.EngineTestAccess.Outcome;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.Pipeline;
import dev.overwatch.jobs.engine.Quarantine;
import dev.overwatch.jobs.engine.TableStore;
import dev.overwatch.jobs.engine.TimeWindow;
import dev.overwatch.jobs.engine.WorkspaceConfig;
import dev.overwatch.api.v1alpha1.OverwatchDeploymentSpec;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.SparkConf;
import org.apache.spark.io.CompressionCodec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.apache.spark.sql.Encoders;
import dev.overwatch.jobs.sources.EventLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/** 1006 on real event logs written by Spark 4 in a child JVM, in both layouts. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkEventsBronzeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long HOUR = 3_600_000L;
  private final SparkSession spark = TestSpark.session();
  private final SparkEventsBronze module = new SparkEventsBronze();
  private Path base;
  private Path oss;
  private Path plain;
  private Path lz4;
  private Path rollingDir;
  private OverwatchDeploymentSpec spec;
  private TableStore store;
  private long now;

  @BeforeAll
  void generateLogs() throws Exception {
    base = TestSpark.newDir("events");
    Path gen = Files.createDirectories(base.resolve("gen"));
    runWorkloadsInChildJvm(gen);
    try (Stream<Path> s = Files.list(gen)) {
      for (Path p : s.toList()) {
        String n = p.getFileName().toString();
        if (Files.isDirectory(p) && n.startsWith("eventlog_v2_")) {
          rollingDir = p;
        } else if (n.endsWith(".lz4")) {
          lz4 = p;
        } else if (!n.startsWith(".")) {
          plain = p;
        }
      }
    }
    assertNotNull(plain, "plain log");
    assertNotNull(lz4, "lz4 log");
    assertNotNull(rollingDir, "rolling folder");
    String plainId = plain.getFileName().toString();
    List<String> plainLines = Files.readAllLines(plain);

    oss = Files.createDirectories(base.resolve("oss"));
    Files.copy(plain, oss.resolve(plain.getFileName()));
    Files.copy(lz4, oss.resolve(lz4.getFileName()));
    copyDir(rollingDir, oss.resolve(rollingDir.getFileName()));
    // A completed rolling folder with two zstd segments (Spark's minimum segment size is 10 MiB).
    Path roll2 = Files.createDirectories(oss.resolve("eventlog_v2_app-roll2"));
    List<String> roll2Lines = replaceId(plainLines, plainId, "app-roll2");
    int half = roll2Lines.size() / 2;
    writeCompressed(roll2.resolve("events_1_app-roll2.zstd"), roll2Lines.subList(0, half), "zstd");
    writeCompressed(roll2.resolve("events_2_app-roll2.zstd"), roll2Lines.subList(half, roll2Lines.size()), "zstd");
    Files.createFile(roll2.resolve("appstatus_app-roll2"));
    // Still running: a single .inprogress file and a rolling folder whose appstatus is .inprogress.
    Files.write(oss.resolve("app-inprog.inprogress"), replaceId(plainLines, plainId, "app-inprog"));
    Path live = Files.createDirectories(oss.resolve("eventlog_v2_app-live"));
    writeCompressed(live.resolve("events_1_app-live.zstd"), replaceId(plainLines, plainId, "app-live"), "zstd");
    Files.createFile(live.resolve("appstatus_app-live.inprogress"));
    // Broken input: a corrupt compressed file and a file with unparseable lines.
    Files.write(oss.resolve("app-corrupt.zstd"), "this is not zstd at all".repeat(20).getBytes(StandardCharsets.UTF_8));
    List<String> bad = new ArrayList<>(replaceId(plainLines.subList(0, 15), plainId, "app-badlines"));
    bad.add(7, "{\"truncated\": ");
    bad.add("{\"no\": \"event\"}");
    Files.write(oss.resolve("app-badlines"), bad);

    // Databricks cluster-log delivery layout: <dest>/<cluster>/eventlog/<host>/<context>/eventlog*
    Path ctxDir = Files.createDirectories(base.resolve("dbx/0101-abc/eventlog/10.0.0.1/ctx-1"));
    Files.copy(plain, ctxDir.resolve("eventlog"));
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(ctxDir.resolve("eventlog-2024-01-01--00-00.gz")))) {
      out.write((String.join("\n", readLines(lz4)) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    spec = TestSpark.deployment(TestSpark.newDir("events-store"), "events_etl").getSpec();
    new Pipeline.Databases(spark, spec).ensure();
    store = new TableStore(spark, StoragePaths.qualify(spec.storage.prefix), spec.etlDatabase);
    now = System.currentTimeMillis();
  }

  @Test
  @Order(1)
  void ossFoldersAreIngestedOnceWithIdentityQuarantineAndSpecShape() throws IOException {
    WorkspaceConfig ws = workspace("org-oss", List.of(StoragePaths.qualify(oss.toString())), Map.of(),
        Set.of(Scope.SPARK_EVENTS));
    TimeWindow w1 = new TimeWindow(now - 24 * HOUR, now + HOUR, true);
    Outcome first = EngineTestAccess.runAndCommit(module, context(ws, w1, "run1"), store, "oss");

    // Schema inference over the sample lines (one good line per type signature and file, as 1006 infers) gives
    // exactly the schema inferred over all good lines, from far fewer lines.
    Dataset<Row> checked = EventLogReader.read(spark, List.of(oss.resolve(plain.getFileName()).toUri().toString(),
        oss.resolve(lz4.getFileName()).toUri().toString(), oss.resolve("app-badlines").toUri().toString()),
        SparkEventsBronze.LINE_CHECK).where("error IS NULL AND reason IS NULL").cache();
    long sampled = checked.where("sample").count();
    assertEquals(spark.read().json(checked.select("line").as(Encoders.STRING())).schema(),
        spark.read().json(checked.where("sample").select("line").as(Encoders.STRING())).schema());
    assertTrue(sampled > 0 && sampled < checked.count(), sampled + " sample lines");
    checked.unpersist();

    Map<String, Long> expected = countEvents(List.of(oss.resolve(plain.getFileName()), oss.resolve(lz4.getFileName()),
        segment(oss.resolve(rollingDir.getFileName())), oss.resolve("eventlog_v2_app-roll2/events_1_app-roll2.zstd"),
        oss.resolve("eventlog_v2_app-roll2/events_2_app-roll2.zstd"), oss.resolve("app-badlines")));
    Dataset<Row> bronze = store.readAll(SparkEventsBronze.TARGET, "org-oss").cache();
    assertEquals(expected, eventCounts(bronze), () -> "events per Event type = lines per Event in the files; per file: "
        + bronze.groupBy("filename").count().collectAsList() + "; quarantine: "
        + store.readAll(Quarantine.TABLE, "org-oss").groupBy("source", "reason").count().collectAsList());
    assertEquals(expected.values().stream().mapToLong(Long::longValue).sum(), first.rows());
    assertEquals(3, first.quarantined(), "corrupt file + 2 bad lines");
    List<Row> q = store.readAll(Quarantine.TABLE, "org-oss").select("source", "position", "reason").collectAsList();
    assertEquals(1, q.stream().filter(r -> r.getString(0).endsWith("app-corrupt.zstd")
        && r.getString(2).startsWith("unreadable event-log file")).count(), q.toString());
    assertEquals(Set.of("line 8", "line 17"), q.stream().filter(r -> r.getString(0).endsWith("app-badlines"))
        .map(r -> r.getString(1)).collect(Collectors.toSet()));

    // Identity from the application's own events (docs/spark-event-logs.md).
    String plainId = plain.getFileName().toString();
    assertEquals(List.of(plainId + "|" + plainId), identities(bronze, "%/" + plainId));
    assertEquals(List.of("app-roll2|app-roll2"), identities(bronze, "%eventlog_v2_app-roll2/%"));
    assertEquals(2L, bronze.where("filename LIKE '%app-roll2%'").select("filename").distinct().count());
    assertEquals(1L, bronze.where("filenameGroup.bySparkContext LIKE '%eventlog_v2_app-roll2'")
        .select("filenameGroup.bySparkContext").distinct().count());

    // Shape (inputs.md 4.3).
    StructType schema = bronze.schema();
    assertEquals(DataTypes.LongType, schema.apply("Timestamp").dataType());
    assertEquals(DataTypes.LongType, schema.apply("StageID").dataType());
    assertEquals(DataTypes.LongType, schema.apply("JobID").dataType());
    assertEquals(DataTypes.StringType, schema.apply("ExecutorID").dataType());
    assertEquals(DataTypes.DateType, schema.apply("fileCreateDate").dataType());
    assertTrue(schema.apply("Properties").dataType() instanceof MapType);
    assertTrue(schema.apply("filenameGroup").dataType() instanceof StructType);
    for (String name : schema.fieldNames()) {
      assertTrue(name.matches("[A-Za-z0-9_]+"), "scrubbed name: " + name);
    }
    for (String dropped : List.of("SparkProperties", "ClasspathEntries", "SystemProperties", "HadoopProperties",
        "sparkPlanInfo")) {
      assertTrue(List.of(schema.fieldNames()).stream().noneMatch(n -> n.equalsIgnoreCase(dropped)), dropped);
    }
    assertEquals(1L, List.of(schema.fieldNames()).stream().filter(n -> n.equalsIgnoreCase("ExecutorID")).count());
    assertEquals(0L, bronze.selectExpr("explode(map_keys(Properties)) AS k").where("k LIKE '%.%'").count());
    assertTrue(bronze.where("Event = 'SparkListenerJobStart' AND Properties['sparkjobGroupid'] = 'group-plain'").count() > 0);
    assertEquals(0L, bronze.where("Event = 'SparkListenerTaskEnd' AND (StageID IS NULL OR TaskInfo.ExecutorID IS NULL "
        + "OR TaskMetrics.ExecutorRunTime IS NULL)").count());
    assertEquals(0L, bronze.where("Event = 'SparkListenerExecutorAdded' AND (ExecutorID IS NULL OR Timestamp IS NULL "
        + "OR executorInfo.TotalCores IS NULL)").count());
    assertEquals(0L, bronze.where("Event = 'SparkListenerJobStart' AND Timestamp IS NULL AND SubmissionTime IS NULL").count());

    // Tracker: in-progress logs are pending (never processed); the corrupt file is final with its reason.
    Dataset<Row> tracker = store.readAll(SparkEventsBronze.PROCESSED_FILES, "org-oss");
    assertEquals(2L, tracker.where("failMsg = 'in progress' AND failed").count());
    assertEquals(1L, tracker.where("filename LIKE '%app-corrupt.zstd' AND failMsg LIKE 'unreadable:%' AND NOT failed").count());
    bronze.unpersist();

    // Same window again: nothing new, nothing quarantined again.
    Outcome again = EngineTestAccess.runAndCommit(module, context(ws, w1, "run2"), store, "oss");
    assertNotNull(again.emptyReason());
    assertEquals(0, again.quarantined());
    assertEquals(first.rows(), store.readAll(SparkEventsBronze.TARGET, "org-oss").count());

    // The running applications finish; their logs (mtime before the next window) are read exactly once.
    Files.move(oss.resolve("app-inprog.inprogress"), oss.resolve("app-inprog"));
    Files.move(oss.resolve("eventlog_v2_app-live/appstatus_app-live.inprogress"),
        oss.resolve("eventlog_v2_app-live/appstatus_app-live"));
    TimeWindow w2 = new TimeWindow(w1.untilTS(), w1.untilTS() + HOUR, false);
    Outcome completed = EngineTestAccess.runAndCommit(module, context(ws, w2, "run3"), store, "oss");
    Map<String, Long> late = countEvents(List.of(oss.resolve("app-inprog"),
        oss.resolve("eventlog_v2_app-live/events_1_app-live.zstd")));
    assertNull(completed.emptyReason());
    assertEquals(late.values().stream().mapToLong(Long::longValue).sum(), completed.rows());
    assertEquals(List.of("app-inprog|app-inprog"), identities(store.readAll(SparkEventsBronze.TARGET, "org-oss"),
        "%/app-inprog"));
    Outcome afterCompletion = EngineTestAccess.runAndCommit(module, context(ws, w2, "run4"), store, "oss");
    assertNotNull(afterCompletion.emptyReason());
    assertEquals(first.rows() + completed.rows(), store.readAll(SparkEventsBronze.TARGET, "org-oss").count());
  }

  @Test
  @Order(2)
  void databricksClusterLogFoldersFromAuditDestinations() throws IOException {
    String auditRow = "{\"serviceName\":\"clusters\",\"actionName\":\"create\",\"organization_id\":\"org-dbx\","
        + "\"timestamp\":" + now + ",\"date\":\"" + Instant.ofEpochMilli(now).atZone(ZoneId.of("UTC")).toLocalDate() + "\","
        + "\"requestParams\":{\"cluster_log_conf\":\"{\\\"dbfs\\\":{\\\"destination\\\":\\\"dbfs:/cluster-logs/\\\"}}\"},"
        + "\"response\":{\"result\":\"{\\\"cluster_id\\\":\\\"0101-abc\\\"}\",\"statusCode\":200}}";
    spark.read().schema("serviceName STRING, actionName STRING, organization_id STRING, timestamp LONG, date DATE, "
            + "requestParams STRUCT<clusterId: STRING, cluster_id: STRING, cluster_log_conf: STRING>, "
            + "response STRUCT<result: STRING, statusCode: LONG>")
        .json(spark.createDataset(List.of(auditRow), org.apache.spark.sql.Encoders.STRING()))
        .write().format("delta").partitionBy("organization_id", "date").mode("append")
        .save(store.path(AuditLogBronze.TARGET));
    WorkspaceConfig ws = workspace("org-dbx", List.of(),
        Map.of("dbfs:/cluster-logs", base.resolve("dbx").toString()), Set.of(Scope.AUDIT, Scope.SPARK_EVENTS));
    TimeWindow w = new TimeWindow(now - 24 * HOUR, now + HOUR, true);
    Outcome out = EngineTestAccess.runAndCommit(module, context(ws, w, "dbx1"), store, "dbx");
    Path ctxDir = base.resolve("dbx/0101-abc/eventlog/10.0.0.1/ctx-1");
    Map<String, Long> expected = countEvents(List.of(ctxDir.resolve("eventlog"), ctxDir.resolve("eventlog-2024-01-01--00-00.gz")));
    Dataset<Row> bronze = store.readAll(SparkEventsBronze.TARGET, "org-dbx");
    assertEquals(expected, eventCounts(bronze));
    assertEquals(expected.values().stream().mapToLong(Long::longValue).sum(), out.rows());
    assertEquals(List.of("0101-abc|ctx-1"), identities(bronze, "%"));
    assertTrue(bronze.select("filenameGroup.byCluster").first().getString(0).endsWith("/dbx/0101-abc"));
    assertNotNull(EngineTestAccess.runAndCommit(module, context(ws, w, "dbx2"), store, "dbx").emptyReason());
  }

  // ------------------------------------------------------------------ helpers

  private ModuleContext context(WorkspaceConfig ws, TimeWindow w, String runId) {
    return new ModuleContext(SparkEventsBronze.SPEC, ws, spec, store, w, runId, Instant.ofEpochMilli(w.untilTS()),
        ZoneId.of("UTC"), () -> {
          throw new IllegalStateException("no API in this test");
        }, StoragePaths.qualify(base.resolve("tmp/" + runId).toString()));
  }

  private static WorkspaceConfig workspace(String org, List<String> eventLogPaths, Map<String, String> mappings,
      Set<Scope> scopes) {
    return new WorkspaceConfig(org, org, "AWS", Optional.empty(), Optional.empty(), "json", Optional.empty(),
        eventLogPaths, mappings, scopes, "OVERWATCH_TOKEN_TEST");
  }

  private static List<String> identities(Dataset<Row> bronze, String filenameLike) {
    return bronze.where(org.apache.spark.sql.functions.col("filename").like(filenameLike))
        .selectExpr("concat(clusterId, '|', SparkContextID)").distinct().collectAsList().stream()
        .map(r -> r.getString(0)).sorted().toList();
  }

  private static Map<String, Long> eventCounts(Dataset<Row> bronze) {
    return new TreeMap<>(bronze.groupBy("Event").count().collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getLong(1))));
  }

  /** Independent count: every line of the (decompressed) files that is a JSON object with an Event. */
  private static Map<String, Long> countEvents(List<Path> files) throws IOException {
    Map<String, Long> counts = new TreeMap<>();
    for (Path f : files) {
      for (String line : readLines(f)) {
        try {
          JsonNode e = JSON.readTree(line);
          if (e != null && e.hasNonNull("Event")) {
            counts.merge(e.get("Event").asText(), 1L, Long::sum);
          }
        } catch (IOException notJson) {
          // counted nowhere, as the module quarantines it
        }
      }
    }
    return counts;
  }

  private static List<String> readLines(Path f) throws IOException {
    String n = f.getFileName().toString().replace(".inprogress", "");
    InputStream in = Files.newInputStream(f);
    if (n.endsWith(".gz")) {
      in = new java.util.zip.GZIPInputStream(in);
    } else {
      for (String codec : List.of("lz4", "zstd", "snappy", "lzf")) {
        if (n.endsWith("." + codec)) {
          in = CompressionCodec.createCodec(new SparkConf(false), codec).compressedInputStream(in);
        }
      }
    }
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return r.lines().toList();
    }
  }

  private static void writeCompressed(Path target, List<String> lines, String codec) throws IOException {
    try (OutputStream out = CompressionCodec.createCodec(new SparkConf(false), codec)
        .compressedOutputStream(Files.newOutputStream(target))) {
      out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  private static List<String> replaceId(List<String> lines, String from, String to) {
    return lines.stream().map(l -> l.replace(from, to)).toList();
  }

  private static Path segment(Path rolling) throws IOException {
    try (Stream<Path> s = Files.list(rolling)) {
      List<Path> segs = s.filter(p -> p.getFileName().toString().startsWith("events_")).toList();
      assertEquals(1, segs.size(), "Spark wrote one segment");
      return segs.get(0);
    }
  }

  private static void copyDir(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> s = Files.list(from)) {
      for (Path p : s.toList()) {
        if (!p.getFileName().toString().startsWith(".")) {
          Files.copy(p, to.resolve(p.getFileName()));
        }
      }
    }
  }

  /** Runs EventLogWorkloads in a second JVM: event logging can only be enabled when a SparkContext starts. */
  private static void runWorkloadsInChildJvm(Path out) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-") || arg.startsWith("-XX:+IgnoreUnrecognized") || arg.startsWith("-Djdk.reflect")
          || arg.startsWith("-Dio.netty") || arg.startsWith("-Djava.io.tmpdir")) {
        cmd.add(arg);
      }
    }
    cmd.addAll(List.of("-Xmx768m", "-cp", System.getProperty("java.class.path"), EventLogWorkloads.class.getName(),
        out.toString()));
    File log = out.resolveSibling("workloads.log").toFile();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("event-log workloads timed out; see " + log);
    }
    assertEquals(0, p.exitValue(), "event-log workloads failed; see " + log);
  }
}
