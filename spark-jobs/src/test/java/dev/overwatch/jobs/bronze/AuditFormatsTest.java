package dev.overwatch.jobs.bronze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.jobs.AuditFixtures;
import dev.overwatch.jobs.Modules;
import dev.overwatch.jobs.TestSpark;
import dev.overwatch.jobs.engine.FaultInjection;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.ModuleResult;
import dev.overwatch.jobs.engine.ModuleResult.Outcome;
import dev.overwatch.jobs.engine.Pipeline;
import dev.overwatch.jobs.engine.RunSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * 1004 with auditLogs.format json, parquet and delta: the same records (written once as JSON lines, then
 * re-delivered as parquet files in the date folders and as a Delta table partitioned by date) give the same
 * audit_log_bronze rows, every column compared. A parquet file of another shape has its records quarantined with
 * their reason, and a parquet file that is not parquet is quarantined as a whole, naming the file.
 */
class AuditFormatsTest {
  private static final LocalDate DAY1 = LocalDate.parse("2026-10-05");
  private static final LocalDate DAY2 = DAY1.plusDays(1);
  private static final String SNAPSHOT = "2026-10-07T00:00:00Z";
  private final SparkSession spark = TestSpark.session();

  @Test
  void jsonParquetAndDeltaDeliveriesGiveTheSameBronzeRows() throws IOException {
    Path dir = TestSpark.newDir("audit-formats");
    Path json = dir.resolve("json");
    AuditFixtures.writeDay(json, DAY1, 8, "a");
    AuditFixtures.writeDay(json, DAY2, 8, "b");

    // The same records as parquet, one file per day, and as one Delta table with the day as a column.
    Path parquet = dir.resolve("parquet");
    Path delta = dir.resolve("delta");
    for (LocalDate day : List.of(DAY1, DAY2)) {
      Dataset<Row> records = spark.read().json(json.resolve("date=" + day).toString());
      Path tmp = dir.resolve("tmp-" + day);
      records.coalesce(1).write().parquet(tmp.toString());
      Path part;
      try (Stream<Path> files = Files.list(tmp)) {
        part = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
      }
      Files.createDirectories(parquet.resolve("date=" + day));
      Files.move(part, parquet.resolve("date=" + day).resolve("auditlogs_" + day + ".parquet"));
      records.withColumn("date", org.apache.spark.sql.functions.lit(day.toString()).cast("date"))
          .write().format("delta").mode("append").partitionBy("date").save(delta.toString());
    }
    // Bad deliveries beside the good parquet: a file of another shape and a file that is not parquet.
    Path wrongShape = dir.resolve("tmp-wrong");
    spark.sql("SELECT 'yesterday' AS timestamp, 'jobs' AS serviceName, 'runNow' AS actionName UNION ALL "
        + "SELECT '2026-10-06T10:00:00Z', 'jobs', 'runNow'").coalesce(1).write().parquet(wrongShape.toString());
    try (Stream<Path> files = Files.list(wrongShape)) {
      Files.move(files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow(),
          parquet.resolve("date=" + DAY2).resolve("wrong_shape.parquet"));
    }
    Files.writeString(parquet.resolve("date=" + DAY2).resolve("not_parquet.parquet"), "{\"timestamp\": 1}\n");

    List<String> jsonRows = bronzeRows(run(dir, "fmt_json", json, "json"), "fmt_json");
    List<String> parquetRows = bronzeRows(run(dir, "fmt_parquet", parquet, "parquet"), "fmt_parquet");
    List<String> deltaRows = bronzeRows(run(dir, "fmt_delta", delta, "delta"), "fmt_delta");
    assertEquals(16, jsonRows.size());
    assertEquals(jsonRows, parquetRows, "parquet delivery, every column but the file name");
    assertEquals(jsonRows, deltaRows, "delta delivery, every column but the file name");
    assertEquals(columns("fmt_json"), columns("fmt_parquet"));
    assertEquals(columns("fmt_json"), columns("fmt_delta"));
    assertEquals(16, spark.sql("SELECT * FROM fmt_parquet.audit_log_bronze WHERE filename LIKE '%/date=%/auditlogs_%.parquet'")
        .count(), "filename names the parquet file");

    // Nothing lost: the wrong-shape records and the unreadable file are in quarantine, with the file named.
    List<String> quarantined = spark.sql("SELECT concat_ws(' | ', regexp_extract(source, '[^/]+$', 0), position, reason) "
        + "FROM fmt_parquet.pipeline_quarantine ORDER BY 1").collectAsList().stream().map(r -> r.getString(0)).toList();
    assertEquals(3, quarantined.size(), quarantined.toString());
    assertTrue(quarantined.get(0).startsWith("not_parquet.parquet | file | unreadable parquet file: "), quarantined.toString());
    assertTrue(quarantined.get(1).matches("wrong_shape\\.parquet \\| row \\d \\| .*"), quarantined.toString());
    assertTrue(quarantined.stream().anyMatch(q -> q.endsWith("timestamp is not epoch milliseconds: yesterday")),
        quarantined.toString());
    assertEquals(0, spark.sql("SELECT * FROM fmt_json.pipeline_quarantine").count());

    // A columnar delivery may carry the objects as JSON text: they become objects again, as in the JSON lines.
    Path textual = dir.resolve("textual");
    spark.sql("SELECT 1759622400000L AS timestamp, 'accounts' AS serviceName, 'login' AS actionName, "
        + "'{\"port\":22,\"user\":\"a@example.com\"}' AS requestParams, '{\"statusCode\":401}' AS response")
        .coalesce(1).write().parquet(textual.resolve("date=" + DAY1).toString());
    List<Row> lines = dev.overwatch.jobs.sources.AuditDeliveries.read(spark, textual.toString(), "parquet", DAY1, DAY1)
        .collectAsList();
    assertEquals(1, lines.size(), lines.toString());
    assertEquals("{\"timestamp\":1759622400000,\"serviceName\":\"accounts\",\"actionName\":\"login\","
        + "\"requestParams\":{\"port\":22,\"user\":\"a@example.com\"},\"response\":{\"statusCode\":401}}",
        lines.get(0).getAs("line"));
  }

  private List<ModuleResult> run(Path dir, String etl, Path audit, String format) {
    OverwatchDeployment d = AuditFixtures.deployment(dir.resolve(etl), etl, audit, DAY1);
    d.getSpec().workspaces.get(0).auditLogs.format = format;
    RunSettings settings = new RunSettings(d, RunSettings.newRunId(), Instant.parse(SNAPSHOT), List.of(Layer.BRONZE),
        Set.of(), Set.of(), Set.of(), FaultInjection.none());
    List<ModuleResult> results = new Pipeline(spark, Modules.all(), r -> { }).run(settings);
    ModuleResult audit1004 = results.stream().filter(r -> r.moduleId() == 1004).findFirst().orElseThrow();
    assertEquals(Outcome.SUCCESS, audit1004.outcome(), format + ": " + results);
    return results;
  }

  /** Every row as JSON with sorted columns, without the run id (one per run) and the file name (one per format). */
  private List<String> bronzeRows(List<ModuleResult> results, String etl) {
    Dataset<Row> df = spark.table(etl + ".audit_log_bronze").drop("Overwatch_RunID", "filename");
    String[] cols = df.columns();
    Arrays.sort(cols);
    List<String> rows = new ArrayList<>(df.selectExpr(Arrays.stream(cols).map(c -> "`" + c + "`").toArray(String[]::new))
        .toJSON().collectAsList());
    rows.sort(null);
    return rows;
  }

  private List<String> columns(String etl) {
    return Arrays.stream(spark.table(etl + ".audit_log_bronze").schema().fields())
        .map(f -> f.name() + ":" + f.dataType().simpleString()).toList();
  }
}
