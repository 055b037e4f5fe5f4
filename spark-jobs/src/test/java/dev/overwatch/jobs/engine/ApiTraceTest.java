package dev.overwatch.jobs.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchDeploymentSpec;
import dev.overwatch.jobs.TestSpark;
import dev.overwatch.jobs.bronze.JobsSnapshotBronze;
import dev.overwatch.jobs.bronze.TokensSnapshotBronze;
import dev.overwatch.jobs.config.Deployments;
import dev.overwatch.jobs.config.Redaction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * features.traceApi end to end over recorded responses: the jobs and tokens snapshot modules run through the
 * pipeline in one run; every request (a busy answer, both pages of a paged listing) lands in apiEventDetails with its
 * module, secrets redacted; a failed module's requests are rolled back with it.
 */
class ApiTraceTest {
  private static final String SECRET = "AKIA-SHOULD-NOT-BE-KEPT";

  @Test
  void everyRequestOfAModuleIsWrittenWithItsOutputsAndRolledBackWithThem() throws IOException {
    SparkSession spark = TestSpark.session();
    Path dir = TestSpark.newDir("api-trace");
    Path replay = replayFolder(dir.resolve("replay"));
    ModuleRegistry registry = new ModuleRegistry(List.of(new TokensSnapshotBronze(), new JobsSnapshotBronze()));
    String apiTable = dir.resolve("store").resolve("trace_etl").resolve("apieventdetails").toString();

    // One run: 1010 fails after writing everything, so its requests go with its other writes; 1001 succeeds.
    List<ModuleResult> results = run(spark, registry, deployment(dir, replay, true), "trace-1", "2026-11-02T00:00:00Z",
        FaultInjection.of("fail-after-write:1010"));
    assertEquals(List.of(ModuleResult.Outcome.FAILED, ModuleResult.Outcome.SUCCESS),
        results.stream().map(ModuleResult::outcome).toList(), results.toString());

    List<Row> rows = spark.read().format("delta").load(apiTable).orderBy("moduleId", "requestEpochMS", "page")
        .selectExpr("moduleId", "moduleName", "endPoint", "apiVersion", "type", "responseCode", "page",
            "batchKeyFilter", "CAST(data AS STRING) AS body", "responseBytes", "durationMS", "errorMessage",
            "Overwatch_RunID", "organization_id", "timestamp", "snapTS").collectAsList();
    List<String> summary = new ArrayList<>();
    rows.forEach(r -> summary.add(r.getInt(0) + " " + r.getString(2) + " " + r.getString(3) + " " + r.getString(4)
        + " " + r.getLong(5) + " p" + r.getInt(6) + " " + r.getString(12)));
    // The busy answer (retried) is a request of its own; both pages follow; nothing of the failed 1010.
    assertEquals(List.of(
        "1001 jobs/list api/2.1 GET 503 p0 trace-1",
        "1001 jobs/list api/2.1 GET 200 p0 trace-1",
        "1001 jobs/list api/2.1 GET 200 p1 trace-1"), summary);

    Row busy = rows.get(0);
    Row page0 = rows.get(1);
    Row page1 = rows.get(2);
    assertNull(busy.get(8), "a busy answer keeps no body");
    assertFalse(busy.getString(11).isBlank(), "a failed request keeps the error it got");
    assertEquals("Bronze_Jobs_Snapshot", page0.getString(1));
    assertTrue(page0.getString(8).contains("\"name\":\"job-1\""), page0.getString(8));
    assertFalse(page0.getString(8).contains(SECRET), "secret-named fields of the answer are redacted");
    assertTrue(page0.getString(8).contains(Redaction.REDACTED));
    assertTrue(page0.getLong(9) > page1.getLong(9), "page 0 holds 25 jobs, page 1 five");
    assertTrue(page0.getLong(10) >= 0);
    assertNull(page0.get(11));
    assertEquals("{\"expand_tasks\":\"true\",\"limit\":\"25\"}", page0.getString(7));
    // The follow-up page's token is secret-named: redacted like the rest.
    assertEquals("{\"expand_tasks\":\"true\",\"limit\":\"25\",\"page_token\":\"" + Redaction.REDACTED + "\"}",
        page1.getString(7));
    assertEquals("42", page0.getString(13));
    assertEquals(Instant.parse("2026-11-02T00:00:00Z").toEpochMilli(), page0.getLong(14));
    assertEquals("2026-11-02T00:00:00Z", page0.getString(15));
    assertFalse(ApiTrace.enabled(new OverwatchDeploymentSpec()), "off by default");
  }

  private static List<ModuleResult> run(SparkSession spark, ModuleRegistry registry, OverwatchDeployment d, String runId,
      String snapshot, FaultInjection faults) {
    return new Pipeline(spark, registry, r -> { }).run(new RunSettings(d, runId, Instant.parse(snapshot),
        List.of(Layer.BRONZE), Set.of(), Set.of(), Set.of(), faults));
  }

  private static OverwatchDeployment deployment(Path dir, Path replay, boolean trace) {
    return Deployments.parse("""
        apiVersion: overwatch.dev/v1alpha1
        kind: OverwatchDeployment
        metadata: {name: trace}
        spec:
          storage: {prefix: %s}
          etlDatabase: trace_etl
          consumerDatabase: trace_consumer
          scopes: [accounts, jobs]
          primordialDate: "2026-11-01"
          features: {traceApi: %s}
          workspaces:
            - name: demo
              organizationId: "42"
              apiReplayPath: %s
        """.formatted(dir.resolve("store"), trace, replay), "trace");
  }

  /** 30 jobs (two pages of 25), one with a credential in its cluster's Spark conf; jobs/list answers 503 once. */
  private static Path replayFolder(Path root) throws IOException {
    StringBuilder jobs = new StringBuilder("{\"jobs\":[");
    for (int i = 1; i <= 30; i++) {
      String conf = i == 1 ? ",\"new_cluster\":{\"spark_conf\":{\"spark.hadoop.fs.s3a.secret.key\":\"" + SECRET + "\"}}" : "";
      jobs.append(i == 1 ? "" : ",").append("{\"job_id\":").append(i).append(",\"created_time\":1761955200000,")
          .append("\"creator_user_name\":\"ann@example.com\",\"settings\":{\"name\":\"job-").append(i).append('"')
          .append(conf).append("}}");
    }
    write(root.resolve("api/2.1/jobs/list.json"), jobs.append("]}").toString());
    write(root.resolve("api/2.0/token/list.json"), "{\"token_infos\":[{\"token_id\":\"t-1\",\"comment\":\"ci\"}]}");
    write(root.resolve("_faults.json"), "{\"GET api/2.1/jobs/list\": [503]}");
    return root;
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
