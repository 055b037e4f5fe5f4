package dev.overwatch.jobs.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.AuditLogsSpec;
import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.WarehouseEventsSpec;
import dev.overwatch.api.v1alpha1.WorkspaceSpec;
import dev.overwatch.jobs.Modules;
import dev.overwatch.jobs.TestSpark;
import dev.overwatch.jobs.config.DeploymentValidator;
import dev.overwatch.jobs.engine.ConsumerView;
import dev.overwatch.jobs.engine.FaultInjection;
import dev.overwatch.jobs.engine.GoldModule;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleRegistry;
import dev.overwatch.jobs.engine.ModuleResult;
import dev.overwatch.jobs.engine.ModuleResult.Outcome;
import dev.overwatch.jobs.engine.Pipeline;
import dev.overwatch.jobs.engine.RunSettings;
import dev.overwatch.jobs.sources.ApiException;
import dev.overwatch.jobs.sources.BusyRetry;
import dev.overwatch.jobs.sources.DatabricksApi.Paging;
import dev.overwatch.jobs.sources.ReplayServer;
import dev.overwatch.jobs.sources.SdkDatabricksApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The SQL warehouse chain: query history 1014 -> 2020 -> 3017, warehouse definitions 2021 -> 3018, warehouse
 * states 2022 (from the audit log in workspace "alpha", from a warehouse_events export in "beta") -> 3020 with
 * warehouseDbuDetails; the views, the workspace allow-list and a failed view publication in pipeline_report.
 */
class SqlWarehouseChainTest {
  private static final String ORG_A = "7001";
  private static final String ORG_B = "7002";
  private static final String SNAP = "2026-11-03T23:00:00Z";
  private static final double SQL_PRICE = 0.22;
  private final SparkSession spark = TestSpark.session();

  /** Paging by has_next_page drops filter_by (the replay server refuses both), and 429 answers are retried. */
  @Test
  void queryHistoryPagesAndRetries() throws Exception {
    Path replay = TestSpark.newDir("sql-paging");
    long start = t("2026-11-02T10:00:00Z");
    List<String> queries = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      queries.add(query("q" + i, "wh1", start + i * 1000L, "FINISHED", null));
    }
    queries.add(query("late", "wh1", start + 3_600_000L, "FINISHED", null));
    writeQueries(replay, queries);
    Files.writeString(replay.resolve("_faults.json"), "{\"GET api/2.0/sql/history/queries\": [429, 503]}");
    List<Long> waits = new ArrayList<>();
    try (ReplayServer server = ReplayServer.start(replay);
        SdkDatabricksApi api = new SdkDatabricksApi("paging", server.url(), ReplayServer.TOKEN,
            new BusyRetry(40, waits::add), null)) {
      Map<String, String> q = new LinkedHashMap<>();
      q.put("max_results", "50");
      q.put("filter_by.query_start_time_range.start_time_ms", String.valueOf(start));
      q.put("filter_by.query_start_time_range.end_time_ms", String.valueOf(start + 3_600_000L));
      List<String> got = api.getAll("/api/2.0/sql/history/queries", q, "res", Paging.HAS_NEXT_PAGE);
      assertEquals(120, got.size(), "3 pages of the hour, the query of the next hour left out");
      assertEquals(120, got.stream().distinct().count());
      assertEquals(List.of(2000L, 3000L), waits, "the 429 and the 503 were waited out (1 + n mod 5 s)");
      // The server refuses a token together with a filter, as the real API does: the client never sends both.
      Map<String, String> both = new LinkedHashMap<>(q);
      both.put("page_token", start + ":" + (start + 3_600_000L) + ":50");
      ApiException refused = assertThrows(ApiException.class, () -> api.get("/api/2.0/sql/history/queries", both));
      assertEquals(400, refused.statusCode());
    }
  }

  @Test
  void warehouseChainCostsViewsAllowListAndPublicationErrors() throws Exception {
    Path dir = TestSpark.newDir("sql-chain");
    // ---- workspace alpha: states from the audit log ----
    Path auditA = dir.resolve("audit-a");
    writeAudit(auditA, "2026-11-02",
        audit(ORG_A, t("2026-11-02T08:00:00Z"), "a1", "createWarehouse", "{\"name\":\"bi-wh\",\"cluster_size\":\"Medium\","
            + "\"min_num_clusters\":\"2\",\"max_num_clusters\":\"4\",\"auto_stop_mins\":\"30\",\"enable_photon\":\"true\","
            + "\"channel\":\"{\\\"name\\\":\\\"CHANNEL_NAME_CURRENT\\\"}\",\"warehouse_type\":\"PRO\","
            + "\"tags\":\"{\\\"custom_tags\\\":[{\\\"key\\\":\\\"team\\\",\\\"value\\\":\\\"bi\\\"}]}\"}",
            "{\\\"id\\\":\\\"whA\\\"}"),
        audit(ORG_A, t("2026-11-02T10:00:00Z"), "a2", "stopWarehouse", "{\"id\":\"whA\"}", null),
        audit(ORG_A, t("2026-11-02T12:00:00Z"), "a3", "editWarehouse", "{\"id\":\"whA\",\"cluster_size\":\"Small\","
            + "\"min_num_clusters\":\"1\"}", null),
        audit(ORG_A, t("2026-11-02T13:00:00Z"), "a4", "startWarehouse", "{\"id\":\"whA\"}", null),
        audit(ORG_A, t("2026-11-02T13:30:00Z"), "a5", "stopWarehouse", "{\"id\":\"whA\"}", null));
    writeAudit(auditA, "2026-11-03",
        audit(ORG_A, t("2026-11-03T09:00:00Z"), "a6", "deleteWarehouse", "{\"id\":\"whA\"}", null));
    Path replayA = dir.resolve("replay-a");
    long q0 = t("2026-11-02T08:10:00Z");
    writeQueries(replayA, List.of(
        query("qa1", "whA", q0, "FINISHED", null),
        query("qa2", "whA", q0 + 60_000, "FAILED", "Table or view not found: sales"),
        query("qa3", "whA", q0 + 120_000, "CANCELED", null)));
    Files.createDirectories(replayA.resolve("api/2.0/sql"));
    Files.writeString(replayA.resolve("api/2.0/sql/warehouses.json"), "{\"warehouses\":[{\"id\":\"whOld\",\"name\":\"old\","
        + "\"cluster_size\":\"2X-Small\",\"min_num_clusters\":1,\"max_num_clusters\":1,\"state\":\"STOPPED\","
        + "\"creator_name\":\"ana@example.com\",\"warehouse_type\":\"CLASSIC\",\"tags\":{\"custom_tags\":[]}}]}");
    // ---- workspace beta: states from a warehouse_events export (JSON lines) ----
    Path auditB = dir.resolve("audit-b");
    writeAudit(auditB, "2026-11-02",
        audit(ORG_B, t("2026-11-02T09:00:00Z"), "b1", "createWarehouse", "{\"name\":\"etl-wh\",\"cluster_size\":\"Large\","
            + "\"min_num_clusters\":\"1\",\"max_num_clusters\":\"3\"}", "{\\\"id\\\":\\\"whB\\\"}"));
    Path export = dir.resolve("warehouse-events");
    Files.createDirectories(export);
    Files.writeString(export.resolve("part-0.json"), String.join("\n",
        wev(ORG_B, "whB", "STARTING", 1, "2026-11-02 10:00:00"),
        wev(ORG_B, "whB", "RUNNING", 1, "2026-11-02 10:05:00"),
        wev(ORG_B, "whB", "SCALED_UP", 3, "2026-11-02 11:00:00"),
        wev(ORG_B, "whB", "SCALED_DOWN", 1, "2026-11-02 11:30:00"),
        wev(ORG_B, "whB", "STOPPING", 0, "2026-11-02 12:00:00"),
        wev(ORG_B, "whB", "STOPPED", 0, "2026-11-02 12:01:00"),
        wev("9999", "whZ", "RUNNING", 5, "2026-11-02 10:00:00")) + "\n");
    Path replayB = dir.resolve("replay-b");
    Files.createDirectories(replayB);

    OverwatchDeployment deployment = TestSpark.deployment(dir.resolve("store"), "sqlwh_etl");
    deployment.getSpec().primordialDate = "2026-11-02";
    deployment.getSpec().scopes = List.of("audit", "dbsql", "warehouseEvents");
    WorkspaceSpec a = workspace("alpha", ORG_A, auditA, replayA);
    WorkspaceSpec b = workspace("beta", ORG_B, auditB, replayB);
    b.warehouseEvents = new WarehouseEventsSpec();
    b.warehouseEvents.path = export.toString();
    b.warehouseEvents.format = "json";
    deployment.getSpec().workspaces = List.of(a, b);

    List<ModuleResult> run = run(deployment, Modules.all(), Layer.values());
    for (int id : List.of(1014, 2020, 2021, 2022, 3017, 3018, 3020)) {
      assertEquals(Outcome.SUCCESS, result(run, ORG_A, id).outcome(), run.toString());
    }
    for (int id : List.of(2021, 2022, 3018, 3020)) {
      assertEquals(Outcome.SUCCESS, result(run, ORG_B, id).outcome(), run.toString());
    }
    assertTrue(run.stream().noneMatch(ModuleResult::failed), run.toString());

    // Query history: every status, metrics flattened, the spec's columns in order (presentation.md 3.15).
    assertEquals(List.of("organization_id", "workspace_name", "warehouse_id", "query_id", "query_end_time_ms",
        "user_name", "user_id", "executed_as_user_id", "executed_as_user_name", "duration", "error_message",
        "execution_end_time_ms", "query_start_time_ms", "query_text", "rows_produced", "spark_ui_url", "statement_type",
        "status", "compilation_time_ms", "execution_time_ms", "network_sent_bytes", "photon_total_time_ms",
        "pruned_bytes", "pruned_files_count", "read_bytes", "read_cache_bytes", "read_files_count",
        "read_partitions_count", "read_remote_bytes", "result_fetch_time_ms", "result_from_cache",
        "rows_produced_count", "rows_read_count", "spill_to_disk_bytes", "task_total_time_ms", "total_time_ms",
        "write_remote_bytes"), columns("sqlwh_etl_consumer.sqlqueryhistory"));
    assertEquals(List.of("qa1|FINISHED|null|4096|alpha", "qa2|FAILED|Table or view not found: sales|4096|alpha",
        "qa3|CANCELED|null|4096|alpha"), strings(spark.sql("SELECT concat_ws('|', query_id, status,"
        + " coalesce(error_message, 'null'), read_bytes, workspace_name) FROM sqlwh_etl_consumer.sqlqueryhistory"
        + " ORDER BY query_id")));

    // Warehouse definitions: create, edit filled forward from the create, delete, and the snapshot's warehouse.
    assertEquals(List.of("whA|createWarehouse|bi-wh|Medium|2|{team -> bi}|CHANNEL_NAME_CURRENT|ana@example.com",
        "whA|editWarehouse|bi-wh|Small|1|{team -> bi}|CHANNEL_NAME_CURRENT|ana@example.com",
        "whA|deleteWarehouse|bi-wh|Small|1|{team -> bi}|CHANNEL_NAME_CURRENT|ana@example.com",
        "whOld|snapImpute|old|2X-Small|1|{}|null|ana@example.com"),
        strings(spark.sql("SELECT concat_ws('|', warehouse_id, action_name, warehouse_name, cluster_size,"
            + " min_num_clusters, cast(tags AS string), coalesce(channel, 'null'), created_by)"
            + " FROM sqlwh_etl_consumer.warehouse WHERE organization_id = '" + ORG_A + "' ORDER BY warehouse_id, unixTimeMS")));
    assertEquals(List.of("organization_id", "workspace_name", "warehouse_id", "warehouse_name", "service_name",
        "action_name", "user_email", "cluster_size", "min_num_clusters", "max_num_clusters", "auto_stop_mins",
        "spot_instance_policy", "enable_photon", "channel", "enable_serverless_compute", "warehouse_type",
        "warehouse_state", "size", "auto_resume", "creator_id", "tags", "num_clusters", "num_active_sessions",
        "jdbc_url", "unixTimeMS", "date", "created_by"), columns("sqlwh_etl_consumer.warehouse"));

    // States from the audit log (alpha): Medium (24 DBU/h) x 2 clusters 08:00-10:00, Small (12) x 1 13:00-13:30.
    assertEquals(List.of("RUNNING|2|true|true", "STOPPED|0|false|false", "RUNNING|1|true|true", "STOPPED|0|false|false",
        "PERMENANT_DELETE|0|false|false"), strings(spark.sql("SELECT concat_ws('|', state, current_num_clusters,"
        + " cloud_billable, databricks_billable) FROM sqlwh_etl_consumer.warehousestatefact WHERE warehouse_id = 'whA'"
        + " ORDER BY unixTimeMS_state_start")));
    // A state ends 1 ms before the next starts (costs.md 1.4): hours are (span - 1 ms) / 3600 s.
    double dbusA = 24 * 2 * (7_199.999 / 3600) + 12 * 1 * (1_799.999 / 3600);
    Row sumA = spark.sql("SELECT sum(driver_dbus) FROM sqlwh_etl_consumer.warehousestatefact WHERE warehouse_id = 'whA'")
        .first();
    assertEquals(dbusA, sumA.getDouble(0), 1e-9);
    Row costA = spark.sql("SELECT sum(total_DBU_cost), max(dbu_rate) FROM sqlwh_etl.warehouseStateFact_gold"
        + " WHERE warehouse_id = 'whA'").first();
    assertEquals(dbusA * SQL_PRICE, costA.getDouble(0), 1e-9, "cost = DBU/h of the size x clusters x hours x $/DBU");
    assertEquals(SQL_PRICE, costA.getDouble(1));

    // States from the export (beta): Large (40 DBU/h); STARTING and STOPPING are not DBU-billable.
    double dbusB = 40 * (1 * 3_299.999 + 3 * 1_799.999 + 1 * 1_799.999) / 3600;
    Row b1 = spark.sql("SELECT sum(driver_dbus), count(*), max(organization_id) FROM sqlwh_etl_consumer.warehousestatefact"
        + " WHERE warehouse_id IN ('whB', 'whZ')").first();
    assertEquals(dbusB, b1.getDouble(0), 1e-9);
    assertEquals(6, b1.getLong(1), "the other workspace's event of the export is not read");
    Row scaledUp = spark.sql("SELECT current_num_clusters, target_num_clusters, worker_potential_core_H, cluster_size,"
        + " warehouse_name FROM sqlwh_etl_consumer.warehousestatefact WHERE state = 'SCALED_UP'").first();
    assertEquals(3L, scaledUp.getLong(0));
    assertEquals(3L, scaledUp.getLong(1), "target = max_num_clusters of the definition");
    assertEquals(32 * 3 * 1_799.999 / 3600, scaledUp.getDouble(2), 1e-9, "i3.8xlarge driver: 32 cores per cluster");
    assertEquals("Large|etl-wh", scaledUp.getString(3) + "|" + scaledUp.getString(4));
    assertEquals(List.of("organization_id", "workspace_name", "warehouse_id", "warehouse_name", "unixTimeMS_state_start",
        "tags", "state_start_date", "unixTimeMS_state_end", "timestamp_state_start", "timestamp_state_end", "state",
        "cluster_size", "current_num_clusters", "target_num_clusters", "uptime_since_restart_S", "uptime_in_state_S",
        "uptime_in_state_H", "cloud_billable", "databricks_billable", "warehouse_type", "state_dates", "days_in_state",
        "worker_potential_core_H", "driver_dbus"), columns("sqlwh_etl_consumer.warehousestatefact"));
    assertEquals(Arrays.asList(spark.table("sqlwh_etl.warehouseDbuDetails").columns()),
        columns("sqlwh_etl_consumer.warehousedbudetails"));
    assertEquals(18, spark.table("sqlwh_etl_consumer.warehousedbudetails").count(), "9 AWS sizes per workspace");

    // Allow-list (presentation.md 7.11): every view shows only the listed workspaces.
    deployment.getSpec().viewWorkspaceAllowList = List.of(ORG_B);
    List<ModuleResult> views = run(deployment, Modules.all(), Layer.PRESENTATION);
    assertTrue(views.stream().noneMatch(ModuleResult::failed), views.toString());
    assertEquals(0, spark.table("sqlwh_etl_consumer.sqlqueryhistory").count(), "alpha's queries are hidden");
    for (String view : List.of("warehouse", "warehousestatefact", "warehousedbudetails")) {
      assertEquals(List.of(ORG_B), strings(spark.sql("SELECT DISTINCT organization_id FROM sqlwh_etl_consumer." + view)),
          view);
    }
    deployment.getSpec().viewWorkspaceAllowList = List.of("7001') OR (1=1");
    List<String> problems = DeploymentValidator.validate(deployment);
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("spec.viewWorkspaceAllowList[0]")), problems.toString());
    deployment.getSpec().viewWorkspaceAllowList = List.of();

    // A view naming a column gold does not have keeps the old view and records the error (presentation.md 7.7).
    GoldModule broken = new GoldModule(WarehouseGold.SPEC,
        ConsumerView.of("warehouse", WarehouseGold.TARGET, "organization_id", "warehouse_id", "no_such_column")) {
      @Override
      public Dataset<Row> transform(ModuleContext ctx) {
        throw new UnsupportedOperationException("presentation only");
      }
    };
    List<ModuleResult> failed = run(deployment, new ModuleRegistry(List.of(broken)), Layer.PRESENTATION);
    ModuleResult publication = failed.stream().filter(r -> r.moduleId() == 3018).findFirst().orElseThrow();
    assertEquals(Outcome.FAILED, publication.outcome());
    assertTrue(publication.message().contains("no_such_column"), publication.message());
    assertEquals(27, columns("sqlwh_etl_consumer.warehouse").size(), "the previous view is kept");
    assertEquals(List.of(ORG_B), strings(spark.sql("SELECT DISTINCT organization_id FROM sqlwh_etl_consumer.warehouse")));
    List<Row> report = spark.sql("SELECT status, publication_error FROM sqlwh_etl.pipReport WHERE module_id = 3018")
        .collectAsList();
    assertEquals(2, report.size(), report.toString());
    for (Row r : report) {
      assertEquals("SUCCESS", r.getString(0), "the data write keeps its status");
      assertNotNull(r.getString(1));
      assertTrue(r.getString(1).contains("no_such_column"), r.getString(1));
    }
    assertNull(spark.sql("SELECT max(publication_error) FROM sqlwh_etl.pipReport WHERE module_id = 3017").first().get(0));
  }

  private List<ModuleResult> run(OverwatchDeployment deployment, ModuleRegistry registry, Layer... layers) {
    RunSettings settings = new RunSettings(deployment, RunSettings.newRunId(), Instant.parse(SNAP), List.of(layers),
        Set.of(), Set.of(), Set.of(), FaultInjection.none());
    return new Pipeline(spark, registry, r -> { }).run(settings);
  }

  private static WorkspaceSpec workspace(String name, String org, Path audit, Path replay) {
    WorkspaceSpec ws = new WorkspaceSpec();
    ws.name = name;
    ws.organizationId = org;
    ws.auditLogs = new AuditLogsSpec();
    ws.auditLogs.path = audit.toString();
    ws.apiReplayPath = replay.toString();
    return ws;
  }

  private static ModuleResult result(List<ModuleResult> results, String org, int id) {
    return results.stream().filter(r -> r.moduleId() == id && org.equals(r.organizationId())).findFirst()
        .orElseThrow(() -> new AssertionError("no result " + id + " for " + org + " in " + results));
  }

  private List<String> columns(String view) {
    return Arrays.asList(spark.table(view).columns());
  }

  private static List<String> strings(Dataset<Row> df) {
    return df.collectAsList().stream().map(r -> r.getString(0)).toList();
  }

  private static long t(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  private static String query(String id, String warehouse, long start, String status, String error) {
    return "{\"query_id\":\"" + id + "\",\"status\":\"" + status + "\",\"query_text\":\"SELECT 1\",\"query_start_time_ms\":"
        + start + ",\"query_end_time_ms\":" + (start + 2500) + ",\"execution_end_time_ms\":" + (start + 2400)
        + ",\"duration\":2500,\"user_id\":42,\"user_name\":\"ana@example.com\",\"executed_as_user_id\":42,"
        + "\"executed_as_user_name\":\"ana@example.com\",\"warehouse_id\":\"" + warehouse + "\",\"endpoint_id\":\""
        + warehouse + "\",\"rows_produced\":1,\"statement_type\":\"SELECT\",\"is_final\":true"
        + (error == null ? "" : ",\"error_message\":\"" + error + "\"")
        + ",\"metrics\":{\"total_time_ms\":2500,\"compilation_time_ms\":100,\"execution_time_ms\":2300,"
        + "\"read_bytes\":4096,\"rows_read_count\":10,\"rows_produced_count\":1,\"result_from_cache\":false}}";
  }

  private static void writeQueries(Path replay, List<String> queries) throws java.io.IOException {
    Path f = replay.resolve("api/2.0/sql/history/queries.json");
    Files.createDirectories(f.getParent());
    Files.writeString(f, "{\"res\":[" + String.join(",", queries) + "]}");
  }

  private static String wev(String org, String warehouse, String type, int clusters, String time) {
    return "{\"account_id\":\"acc\",\"workspace_id\":\"" + org + "\",\"warehouse_id\":\"" + warehouse
        + "\",\"event_type\":\"" + type + "\",\"cluster_count\":" + clusters + ",\"event_time\":\"" + time + "\"}";
  }

  private static String audit(String org, long ts, String requestId, String action, String params, String result) {
    return "{\"version\":\"2.0\",\"timestamp\":" + ts + ",\"orgId\":\"" + org + "\",\"sourceIPAddress\":\"10.0.0.1\","
        + "\"userAgent\":\"curl\",\"sessionId\":\"s\",\"userIdentity\":{\"email\":\"ana@example.com\"},"
        + "\"serviceName\":\"databrickssql\",\"actionName\":\"" + action + "\",\"requestId\":\"" + requestId + "\","
        + "\"requestParams\":" + params + ",\"response\":{\"statusCode\":200"
        + (result == null ? "" : ",\"result\":\"" + result + "\"") + "}}";
  }

  private static void writeAudit(Path root, String day, String... lines) throws java.io.IOException {
    Path f = root.resolve("date=" + day).resolve("audit.json");
    Files.createDirectories(f.getParent());
    Files.writeString(f, String.join("\n", lines) + "\n");
  }
}
