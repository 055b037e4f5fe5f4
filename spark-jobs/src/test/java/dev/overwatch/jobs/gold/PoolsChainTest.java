package dev.overwatch.jobs.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.AuditLogsSpec;
import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.WorkspaceSpec;
import dev.overwatch.jobs.Modules;
import dev.overwatch.jobs.DataDictionary;
import dev.overwatch.jobs.TestSpark;
import dev.overwatch.jobs.engine.FaultInjection;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.ModuleResult;
import dev.overwatch.jobs.engine.ModuleResult.Outcome;
import dev.overwatch.jobs.engine.Pipeline;
import dev.overwatch.jobs.engine.RunSettings;
import dev.overwatch.jobs.prices.PriceCsv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Pools chain through the Pipeline with the real registry: audit 1004 + pools snapshot 1003 -> silver 2009
 * -> gold 3009 -> view instancepool, plus the price tables the gold layer refreshes and their views.
 * Run 1 is the first run (events + snapImpute), then the same snapshot again, then a later snapshot whose
 * partial edit is filled from the row run 1 wrote.
 */
class PoolsChainTest {
  private static final String ORG = "4242";
  private static final String SNAP1 = "2026-11-02T23:00:00Z";
  private static final String SNAP2 = "2026-11-03T23:00:00Z";
  private final SparkSession spark = TestSpark.session();

  @Test
  void poolEventsSnapshotsAndPricesReachTheViews() throws Exception {
    Path dir = TestSpark.newDir("pools-chain");
    Path audit = dir.resolve("audit");
    writeAudit(audit, "2026-11-02",
        event(t("2026-11-02T10:00:00Z"), "r1", "edit", "{\"instance_pool_id\":\"pool-1\",\"instance_pool_name\":\"warm pool\","
            + "\"node_type_id\":\"i3.xlarge\",\"min_idle_instances\":\"1\",\"max_capacity\":\"20\","
            + "\"idle_instance_autotermination_minutes\":\"15\"}", 200, null),
        event(t("2026-11-02T11:00:00Z"), "r2", "create", "{\"instance_pool_name\":\"gpu pool\",\"node_type_id\":\"g4dn.xlarge\","
            + "\"min_idle_instances\":\"0\",\"max_capacity\":\"4\",\"idle_instance_autotermination_minutes\":\"10\","
            + "\"preloaded_spark_versions\":\"[\\\"15.4.x-gpu-ml-scala2.12\\\"]\",\"custom_tags\":\"{\\\"team\\\":\\\"ml\\\"}\","
            + "\"aws_attributes\":\"{\\\"availability\\\":\\\"ON_DEMAND\\\",\\\"spot_bid_price_percent\\\":100}\"}", 200,
            "{\\\"instance_pool_id\\\":\\\"pool-3\\\"}"),
        event(t("2026-11-02T12:00:00Z"), "r3", "edit", "{\"instance_pool_id\":\"pool-1\",\"max_capacity\":\"999\"}", 400, null),
        event(t("2026-11-02T15:00:00Z"), "r4", "delete", "{\"instance_pool_id\":\"pool-3\"}", 200, null));
    writeAudit(audit, "2026-11-03",
        event(t("2026-11-03T09:00:00Z"), "r5", "edit", "{\"instance_pool_id\":\"pool-1\",\"max_capacity\":\"25\"}", 200, null));
    Path prices = dir.resolve("prices.csv");
    Files.writeString(prices, "API_Name,Compute_Contract_Price\ni3.xlarge,0.25\nm5.large,oops\n");

    OverwatchDeployment deployment = TestSpark.deployment(dir.resolve("store"), "pools_etl");
    deployment.getSpec().primordialDate = "2026-11-02";
    deployment.getSpec().scopes = List.of("audit", "pools");
    deployment.getSpec().prices.instanceDetailsCsv = prices.toString();
    WorkspaceSpec ws = new WorkspaceSpec();
    ws.name = "pools";
    ws.organizationId = ORG;
    ws.auditLogs = new AuditLogsSpec();
    ws.auditLogs.path = audit.toString();
    ws.apiReplayPath = Path.of(PoolsChainTest.class.getResource("/replay/ws1").toURI()).toString();
    deployment.getSpec().workspaces = List.of(ws);

    // Run 1: first run.
    List<ModuleResult> run1 = run(deployment, SNAP1, Layer.values());
    for (int id : List.of(1003, 1004, 2009, 3009)) {
      assertEquals(Outcome.SUCCESS, result(run1, id, "").outcome(), run1.toString());
    }
    ModuleResult priceStep = result(run1, 0, "PriceTables");
    assertEquals(Outcome.SUCCESS, priceStep.outcome(), priceStep.toString());
    assertEquals(1, priceStep.quarantined(), "the bad price-file row is quarantined");
    Row bad = spark.sql("SELECT position, reason, moduleName FROM pools_etl.pipeline_quarantine WHERE moduleID = 0").first();
    assertEquals("line 3", bad.getString(0));
    assertTrue(bad.getString(1).contains("Compute_Contract_Price is not a number: 'oops'"), bad.getString(1));
    for (String view : List.of("instancepool", "instancedetails", "dbucostdetails")) {
      assertEquals(Outcome.SUCCESS, result(run1, -1, "view " + view).outcome(), run1.toString());
    }

    assertEquals(List.of(
        "pool-1|edit|20|warm pool|i3.xlarge|{team -> data}|[\"14.3.x-scala2.12\"]|null|null|r1",
        "pool-2|snapImpute|null|small pool|m5.large|null|null|null|null|null",
        "pool-3|create|4|gpu pool|g4dn.xlarge|{team -> ml}|[\"15.4.x-gpu-ml-scala2.12\"]|admin@example.com|null|r2",
        "pool-3|delete|4|gpu pool|g4dn.xlarge|{team -> ml}|[\"15.4.x-gpu-ml-scala2.12\"]|admin@example.com|admin@example.com|r4"),
        poolRows("pools_etl.pools_silver"));
    assertEquals(t(deployment.getSpec().primordialDate + "T00:00:00Z"), spark.sql(
        "SELECT timestamp FROM pools_etl.pools_silver WHERE actionName = 'snapImpute'").first().getLong(0),
        "snapImpute rows sit at the window start");
    assertEquals(poolRows("pools_etl.pools_silver"), poolRows("pools_etl_consumer.instancepool"));
    assertEquals(List.of("organization_id", "workspace_name", "instance_pool_id", "serviceName", "timestamp", "date",
        "actionName", "instance_pool_name", "node_type_id", "idle_instance_autotermination_minutes", "min_idle_instances",
        "max_capacity", "preloaded_spark_versions", "azure_attributes", "aws_attributes", "gcp_attributes", "custom_tags",
        "create_details", "delete_details", "request_details"), columns("pools_etl_consumer.instancepool"));
    assertEquals("map<string,string>", spark.table("pools_etl_consumer.instancepool").schema().apply("aws_attributes")
        .dataType().simpleString());
    assertEquals("{availability -> ON_DEMAND, spot_bid_price_percent -> 100}", spark.sql(
        "SELECT cast(aws_attributes AS string) FROM pools_etl_consumer.instancepool WHERE actionName = 'create'")
        .first().getString(0));

    // Reference views: every column of the tables, the workspace's rows, the override applied.
    assertEquals(Arrays.asList(spark.table("pools_etl.instanceDetails").columns()), columns("pools_etl_consumer.instancedetails"));
    assertEquals(Arrays.asList(spark.table("pools_etl.dbuCostDetails").columns()), columns("pools_etl_consumer.dbucostdetails"));
    assertEquals(PriceCsv.bundled("AWS").rows().size(), spark.table("pools_etl_consumer.instancedetails").count());
    assertEquals(0.25, spark.sql("SELECT Compute_Contract_Price FROM pools_etl_consumer.instancedetails "
        + "WHERE API_Name = 'i3.xlarge'").first().getDouble(0));
    assertEquals(4, spark.table("pools_etl_consumer.dbucostdetails").count());
    // The data dictionary documents these views and the report view as published (names, order, types).
    for (String view : List.of("instancepool", "instancedetails", "dbucostdetails")) {
      DataDictionary.assertDocuments(view, spark.table("pools_etl_consumer." + view).schema());
    }
    DataDictionary.assertDocuments("pipreport", spark.table("pools_etl.pipReport").schema());

    // The same snapshot again: nothing changes.
    List<String> silverAfter1 = poolRows("pools_etl.pools_silver");
    List<ModuleResult> again = run(deployment, SNAP1, Layer.BRONZE, Layer.SILVER, Layer.GOLD);
    assertTrue(again.stream().noneMatch(ModuleResult::failed), again.toString());
    assertEquals(0, again.stream().mapToLong(ModuleResult::rows).sum(),
        again.toString());
    assertEquals(silverAfter1, poolRows("pools_etl.pools_silver"));

    // Run 2: a partial edit takes the rest of pool-1's definition from the row run 1 wrote.
    List<ModuleResult> run2 = run(deployment, SNAP2, Layer.values());
    assertEquals(Outcome.SUCCESS, result(run2, 3009, "").outcome(), run2.toString());
    assertEquals(1, result(run2, 3009, "").rows(), "only the new event reaches gold");
    List<String> expected = new java.util.ArrayList<>(silverAfter1);
    expected.add(1, "pool-1|edit|25|warm pool|i3.xlarge|{team -> data}|[\"14.3.x-scala2.12\"]|null|null|r5");
    assertEquals(expected, poolRows("pools_etl.pools_silver"));
    assertEquals(expected, poolRows("pools_etl_consumer.instancepool"));
  }

  private List<ModuleResult> run(OverwatchDeployment deployment, String snapshot, Layer... layers) {
    RunSettings settings = new RunSettings(deployment, RunSettings.newRunId(), Instant.parse(snapshot),
        List.of(layers), Set.of(), Set.of(), Set.of(),
        FaultInjection.none());
    return new Pipeline(spark, Modules.all(), r -> { }).run(settings);
  }

  private static ModuleResult result(List<ModuleResult> results, int id, String namePrefix) {
    return results.stream().filter(r -> (id < 0 || r.moduleId() == id) && r.moduleName().startsWith(namePrefix))
        .findFirst().orElseThrow(() -> new AssertionError("no result " + id + " " + namePrefix + " in " + results));
  }

  private List<String> poolRows(String table) {
    return spark.sql("SELECT concat_ws('|', instance_pool_id, actionName, coalesce(cast(max_capacity AS string), 'null'), "
        + "instance_pool_name, node_type_id, coalesce(cast(custom_tags AS string), 'null'), "
        + "coalesce(preloaded_spark_versions, 'null'), coalesce(create_details.created_by, 'null'), "
        + "coalesce(delete_details.deleted_by, 'null'), coalesce(request_details.requestId, 'null')) FROM " + table
        + " WHERE organization_id = '" + ORG + "' ORDER BY instance_pool_id, timestamp").collectAsList().stream()
        .map(r -> r.getString(0)).toList();
  }

  private List<String> columns(String view) {
    return Arrays.asList(spark.table(view).columns());
  }

  private static long t(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  private static String event(long ts, String requestId, String action, String params, int status, String result) {
    return "{\"version\":\"2.0\",\"timestamp\":" + ts + ",\"orgId\":\"" + ORG + "\",\"sourceIPAddress\":\"10.0.0.1\","
        + "\"userAgent\":\"curl\",\"sessionId\":\"s\",\"userIdentity\":{\"email\":\"admin@example.com\"},"
        + "\"serviceName\":\"instancePools\",\"actionName\":\"" + action + "\",\"requestId\":\"" + requestId + "\","
        + "\"requestParams\":" + params + ",\"response\":{\"statusCode\":" + status
        + (result == null ? "" : ",\"result\":\"" + result + "\"") + "}}";
  }

  private static void writeAudit(Path root, String day, String... lines) throws java.io.IOException {
    Path f = root.resolve("date=" + day).resolve("audit.json");
    Files.createDirectories(f.getParent());
    Files.writeString(f, String.join("\n", lines) + "\n");
  }
}
