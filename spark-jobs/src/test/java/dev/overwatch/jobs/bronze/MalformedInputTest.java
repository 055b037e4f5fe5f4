package dev.overwatch.jobs.bronze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchDeploymentSpec;
import dev.overwatch.api.v1alpha1.WorkspaceSpec;
import dev.overwatch.jobs.AuditFixtures;
import dev.overwatch.jobs.TestSpark;
import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.EngineTestAccess;
import dev.overwatch.jobs.engine.FaultInjection;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleRegistry;
import dev.overwatch.jobs.engine.ModuleResult;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.Pipeline;
import dev.overwatch.jobs.engine.RunSettings;
import dev.overwatch.jobs.engine.SchemaEnforcer;
import dev.overwatch.jobs.engine.TableStore;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.TimeWindow;
import dev.overwatch.jobs.engine.WorkspaceConfig;
import dev.overwatch.jobs.sources.EventLogReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The malformed-input suite of issue 9 (defect 5): 27 kinds of bad input across audit logs, REST answers and
 * Spark event logs, each quarantined with its reason and counted, none failing the run (docs/exactly-once.md).
 */
class MalformedInputTest {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 1);

  /** Reason -> count of the quarantined rows of one module. */
  private static Map<String, Long> reasons(SparkSession spark, String table, int moduleId) {
    Map<String, Long> out = new TreeMap<>();
    for (Row r : spark.read().format("delta").load(table).where("moduleID = " + moduleId)
        .groupBy("reason").count().collectAsList()) {
      out.put(r.getString(0), r.getLong(1));
    }
    return out;
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  private static String audit(String body) {
    return "{\"version\":\"2.0\",\"timestamp\":1761958800000,\"serviceName\":\"clusters\",\"actionName\":\"create\","
        + "\"requestId\":\"r\"" + body + "}";
  }

  @Test
  void auditLogsFifteenKindsQuarantinedAndTheRunSucceeds() throws IOException {
    SparkSession spark = TestSpark.session();
    Path dir = TestSpark.newDir("malformed-audit");
    Path auditRoot = dir.resolve("audit");
    AuditFixtures.writeDay(auditRoot, DAY, 4, "good");
    Path day = auditRoot.resolve("date=" + DAY);
    ByteArrayOutputStream bad = new ByteArrayOutputStream();
    for (String line : List.of(
        "{\"version\":\"2.0\",\"timestamp\":17620704000",                               // 1 malformed JSON
        "[1, 2, 3]",                                                                   // 2 not an object
        "{\"version\":\"2.0\",\"serviceName\":\"jobs\",\"actionName\":\"runNow\"}",    // 3 missing timestamp
        "{\"timestamp\":\"yesterday\",\"serviceName\":\"jobs\",\"actionName\":\"x\"}", // 4 timestamp not epoch ms
        "{\"timestamp\":1761958800000,\"actionName\":\"x\"}",                         // 5 missing serviceName
        audit(",\"requestParams\":\"x\""),                                             // 6 requestParams not an object
        audit(",\"response\":5"),                                                      // 7 response not an object
        audit(",\"response\":{\"statusCode\":\"abc\"}"),                               // 8 statusCode not a number
        audit(",\"requestParams\":{\"num_workers\":\"two\"}"),                         // 9 int field of another type
        audit(",\"requestParams\":{\"enable_elastic_disk\":\"maybe\"}"),               // 10 boolean field of another type
        audit(",\"requestParams\":{\"jobId\":\"99999999999999999999\"}"))) {           // 11 long out of range
      bad.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    }
    bad.write(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, (byte) 0xFE, '"', '}', '\n'}); // 12 not UTF-8
    Files.write(day.resolve("bad.json"), bad.toByteArray());
    // 13 a line over the size limit (16 MiB): quarantined truncated, never held whole in a row
    byte[] huge = new byte[17 * 1024 * 1024];
    Arrays.fill(huge, (byte) 'x');
    huge[0] = '{';
    Files.write(day.resolve("huge.json"), huge);
    byte[] gz = gzip(Files.readAllBytes(day.resolve("auditlogs_good.json")));
    Files.write(day.resolve("truncated.json.gz"), Arrays.copyOf(gz, gz.length / 2)); // 14 truncated archive
    Files.writeString(day.resolve("corrupt.json.gz"), "this is not gzip\n");       // 15 corrupt archive

    OverwatchDeployment d = AuditFixtures.deployment(dir.resolve("store"), "malformed_etl", auditRoot, DAY);
    List<ModuleResult> results = new Pipeline(spark, new ModuleRegistry(List.of(new AuditLogBronze())), r -> { })
        .run(new RunSettings(d, "malformed", Instant.parse("2026-11-02T00:00:00Z"), List.of(Layer.BRONZE), Set.of(),
            Set.of(), Set.of(), FaultInjection.none()));
    ModuleResult r = results.get(0);
    assertEquals(ModuleResult.Outcome.SUCCESS, r.outcome(), r.toString());
    assertEquals(4, r.rows(), "the good records are loaded");
    assertEquals(15, r.quarantined(), r.toString());
    Map<String, Long> reasons = reasons(spark, dir.resolve("store").resolve("malformed_etl").resolve("pipeline_quarantine")
        .toString(), 1004);
    assertEquals(15, reasons.values().stream().mapToLong(Long::longValue).sum(), reasons.toString());
    for (String expected : List.of("malformed JSON", "not a JSON object", "missing timestamp",
        "timestamp is not epoch milliseconds: yesterday", "missing serviceName or actionName",
        "requestParams is not an object", "response is not an object", "response.statusCode is not a number: abc",
        "requestParams.num_workers is not int: two", "requestParams.enable_elastic_disk is not boolean: maybe",
        "requestParams.jobId is not bigint: 99999999999999999999", "not valid UTF-8 text")) {
      assertEquals(1L, reasons.get(expected), expected + " in " + reasons);
    }
    assertTrue(reasons.keySet().stream().anyMatch(k -> k.startsWith("line of 17825792 bytes is over the limit")), reasons.toString());
    assertEquals(2, reasons.entrySet().stream().filter(e -> e.getKey().startsWith("corrupt or truncated .gz file"))
        .mapToLong(Map.Entry::getValue).sum(), reasons.toString());
  }

  /** A module that loads REST documents the way the snapshot modules do. */
  private record RestModule(List<String> docs) implements Module {
    static final StructType MINIMUM = SchemaEnforcer.fields("cluster_id", "num_workers:int", "autotermination_minutes:long",
        "enable_elastic_disk:boolean", "cluster_cores:double");
    static final ModuleSpec SPEC = ModuleSpec.of(9101, "Test_Rest", Layer.BRONZE, Scope.CLUSTERS,
        SnapshotSupport.snapshotTarget("rest_test_bronze", "cluster_id"));

    @Override
    public ModuleSpec spec() {
      return SPEC;
    }

    @Override
    public Dataset<Row> transform(ModuleContext ctx) {
      return SnapshotSupport.fromApi(ctx, docs, "cluster definitions", Map.of(), MINIMUM);
    }
  }

  @Test
  void restAnswersAndEventLogsTwelveKindsQuarantined() throws IOException {
    SparkSession spark = TestSpark.session();
    Path dir = TestSpark.newDir("malformed-rest");
    TableStore store = new TableStore(spark, "file:" + dir.resolve("store"), "malformed_rest");
    spark.sql("CREATE DATABASE IF NOT EXISTS malformed_rest LOCATION 'file:" + dir.resolve("store").resolve("malformed_rest") + "'");
    String good = "{\"cluster_id\":\"c1\",\"num_workers\":2,\"autotermination_minutes\":\"120\",\"enable_elastic_disk\":true,"
        + "\"cluster_cores\":4.5}";
    RestModule module = new RestModule(List.of(good,
        "[{\"cluster_id\":\"c2\"}]",                                    // 16 not an object
        "{\"cluster_id\":\"c3\",",                                      // 17 malformed JSON
        "{\"cluster_id\":\"c4\",\"num_workers\":\"two\"}",              // 18 int field of another type
        "{\"cluster_id\":\"c5\",\"enable_elastic_disk\":\"maybe\"}",    // 19 boolean field of another type
        "{\"cluster_id\":\"c6\",\"cluster_cores\":\"lots\"}",           // 20 double field of another type
        "{\"cluster_id\":\"c7\",\"pad\":\"" + "x".repeat(SnapshotSupport.MAX_DOCUMENT_CHARS) + "\"}")); // 21 too large
    WorkspaceSpec ws = new WorkspaceSpec();
    ws.name = "demo";
    ws.organizationId = "42";
    ModuleContext ctx = new ModuleContext(RestModule.SPEC, WorkspaceConfig.of(new OverwatchDeploymentSpec(), ws),
        new OverwatchDeploymentSpec(), store, new TimeWindow(0, 1, true), "malformed", Instant.EPOCH, ZoneOffset.UTC,
        () -> null, dir.resolve("tmp").toString());
    EngineTestAccess.Outcome outcome = EngineTestAccess.runAndCommit(module, ctx, store, "demo");
    assertEquals(1, outcome.rows(), "the good document is loaded");
    assertEquals(6, outcome.quarantined());
    Map<String, Long> reasons = reasons(spark, store.path(dev.overwatch.jobs.engine.Quarantine.TABLE), 9101);
    assertEquals(6, reasons.size(), reasons.toString());
    assertTrue(reasons.containsKey("not a JSON object") && reasons.containsKey("num_workers is not int: \"two\"")
        && reasons.containsKey("enable_elastic_disk is not boolean: \"maybe\"")
        && reasons.containsKey("cluster_cores is not double: \"lots\""), reasons.toString());
    assertTrue(reasons.keySet().stream().anyMatch(k -> k.startsWith("malformed JSON")), reasons.toString());
    assertTrue(reasons.keySet().stream().anyMatch(k -> k.contains("is over the limit")), reasons.toString());

    // Event logs: bad files are quarantined whole by the reader, bad events by the module's checks.
    Path logs = dir.resolve("logs");
    Files.createDirectories(logs);
    Files.writeString(logs.resolve("app-1"), String.join("\n",
        "{\"Event\":\"SparkListenerLogStart\",\"Spark Version\":\"4.0.2\"}",
        "not json at all",                                                                      // 22 not an event
        "{\"Event\":\"SparkListenerApplicationStart\",\"Timestamp\":\"yesterday\"}",             // 23 bad timestamp
        "{\"Event\":\"SparkListenerStageCompleted\",\"Stage Info\":{\"Stage ID\":\"first\"}}",  // 24 bad stage id
        "{\"Event\":\"SparkListenerTaskEnd\",\"Stage ID\":1,\"Task Info\":{\"Task ID\":1.5}}",  // 25 bad task id
        "{\"Event\":\"SparkListenerJobStart\",\"Job ID\":3,\"Submission Time\":1761958800000}") + "\n");
    byte[] notUtf8 = "{\"Event\":\"SparkListenerLogStart\",\"Spark Version\":\"\u00ff\"}\n".getBytes(StandardCharsets.ISO_8859_1);
    Files.write(logs.resolve("app-2"), notUtf8);                                               // 26 not UTF-8
    Files.writeString(logs.resolve("app-3.gz"), "plain text, not gzip\n");                     // 27 corrupt archive
    // Lines are checked while read: event null = not an event; reason = why the event is quarantined.
    List<Row> lines = EventLogReader.read(spark, List.of(logs.resolve("app-1").toUri().toString(),
        logs.resolve("app-2").toUri().toString(), logs.resolve("app-3.gz").toUri().toString()),
        SparkEventsBronze.LINE_CHECK).collectAsList();
    List<Row> fileErrors = lines.stream().filter(l -> l.get(3) != null).toList();
    assertEquals(2, fileErrors.size(), lines.toString());
    assertTrue(fileErrors.stream().anyMatch(l -> l.getString(3).startsWith("not valid UTF-8 text")), fileErrors.toString());
    List<Row> verdicts = lines.stream().filter(l -> l.get(3) == null)
        .map(l -> org.apache.spark.sql.RowFactory.create(l.get(4) == null, l.get(5))).toList();
    assertEquals(List.of("line 2"), lines.stream().filter(l -> l.get(3) == null && l.get(4) == null)
        .map(l -> "line " + l.getLong(1)).toList(), "the line number of the line that is not an event");
    assertEquals(1, verdicts.stream().filter(v -> v.getBoolean(0)).count(), verdicts.toString());
    assertEquals(List.of("event field Timestamp is not a number: yesterday", "event field Stage Info.Stage ID is not a number: first",
        "event field Task Info.Task ID is not a number: 1.5"),
        verdicts.stream().filter(v -> !v.getBoolean(0) && v.get(1) != null).map(v -> v.getString(1)).toList());
  }
}
