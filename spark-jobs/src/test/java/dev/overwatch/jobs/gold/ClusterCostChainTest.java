package dev.overwatch.jobs.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.OverwatchDeploymentSpec;
import dev.overwatch.jobs.TestSpark;
import dev.overwatch.jobs.bronze.AuditLogBronze;
import dev.overwatch.jobs.bronze.ClusterEventsBronze;
import dev.overwatch.jobs.bronze.ClustersSnapshotBronze;
import dev.overwatch.jobs.bronze.PoolsSnapshotBronze;
import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.config.StoragePaths;
import dev.overwatch.jobs.engine.EngineTestAccess;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.Pipeline;
import dev.overwatch.jobs.engine.TableStore;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.TimeWindow;
import dev.overwatch.jobs.engine.WorkspaceConfig;
import dev.overwatch.jobs.prices.PriceTables;
import dev.overwatch.jobs.silver.ClusterSpecSilver;
import dev.overwatch.jobs.silver.ClusterStateDetailSilver;
import dev.overwatch.jobs.silver.JobRunSilver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The cluster cost chain audit/snapshots/events (bronze) -> 2014 cluster_spec_silver -> 2019
 * cluster_state_detail_silver -> 3001 cluster_gold and 3005 clusterStateFact_gold on hand-made rows, over two
 * runs: the costs.md 3.7 worked example figure by figure, and one cluster per pitfall of costs.md 7 (photon,
 * automated, jobs light, single node, pool-backed, missing node type, resize across midnight and across runs,
 * price change, terminated not charged, cloud- but not DBU-billable states). Price rows are written straight
 * into instanceDetails / dbuCostDetails, as users do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterCostChainTest {
  private static final String ORG = "org-cost";
  private static final long HOUR = 3_600_000L;
  private static final long MIN = 60_000L;
  private static final long D0 = Instant.parse("2026-11-02T00:00:00Z").toEpochMilli();
  private static final long D1 = D0 + 24 * HOUR;
  private static final TimeWindow RUN1 = new TimeWindow(D0, D1 + 2 * HOUR, true);
  private static final TimeWindow RUN2 = new TimeWindow(D1 + 2 * HOUR, D1 + 24 * HOUR, false);
  private static final double EPS = 1e-9;

  private final SparkSession spark = TestSpark.session();
  private final String etl = "cost_etl";
  private OverwatchDeploymentSpec spec;
  private TableStore store;
  private WorkspaceConfig ws;
  private Path base;

  @BeforeAll
  void setUp() throws IOException {
    base = TestSpark.newDir("cluster-cost");
    spec = TestSpark.deployment(base.resolve("store"), etl).getSpec();
    new Pipeline.Databases(spark, spec).ensure();
    store = new TableStore(spark, StoragePaths.qualify(spec.storage.prefix), etl);
    Path audit = base.resolve("audit");
    writeAudit(audit);
    ws = new WorkspaceConfig("cost", ORG, "AWS", Optional.empty(), Optional.of(StoragePaths.qualify(audit.toString())),
        "json", Optional.empty(), List.of(), Map.of(), Set.of(Scope.CLUSTERS, Scope.CLUSTER_EVENTS), "OVERWATCH_TOKEN_COST");
    writePrices();
    writeSnapshots();
    writeEvents(run1Events());
  }

  @Test
  @Order(1)
  void clusterSpecSilverAndClusterGold() {
    assertTrue(run(new AuditLogBronze(), RUN1, "r1").rows() > 0);
    assertTrue(run(new ClusterSpecSilver(), RUN1, "r1").rows() > 0);
    Map<String, Row> specs = byCluster(store.readAll(ClusterSpecSilver.TARGET, ORG));
    // Pool-backed: both node types from the pool; single node: the driver is the node type, no workers.
    assertEquals("wrk.8|wrk.8|pool one", fields(specs.get("c-pool"), "driver_node_type_id", "node_type_id",
        "instance_pool_name"));
    assertEquals("drv.4|null|0|Single Node", fields(specs.get("c-single"), "driver_node_type_id", "node_type_id",
        "num_workers", "cluster_type"));
    assertEquals("PHOTON|true|JobsService", fields(specs.get("c-job"), "runtime_engine", "is_automated", "createdBy"));
    assertEquals("STANDARD|false|ann@example.com|Standard", fields(specs.get("c-std"), "runtime_engine", "is_automated",
        "createdBy", "cluster_type"));
    // First run: a snapshot cluster without a create event gets a snapImpute definition.
    assertEquals("snapImpute|old-timer|drv.4|wrk.8|bob@example.com", fields(specs.get("c-old"), "actionName",
        "cluster_name", "driver_node_type_id", "node_type_id", "createdBy"));
    assertEquals(12, specs.size(), specs.keySet().toString());

    assertTrue(run(new ClusterGold(), RUN1, "r1").rows() > 0);
    Dataset<Row> gold = store.readAll(ClusterGold.TARGET, ORG);
    assertEquals(store.readAll(ClusterSpecSilver.TARGET, ORG).count(), gold.count());
    assertEquals("create|drv.4|wrk.8|2|2026-11-02", fields(byCluster(gold).get("c-std"), "action", "driver_node_type",
        "node_type", "num_workers", "date"));
    assertViewColumnsExist(ClusterGold.VIEW, gold);
    dev.overwatch.jobs.DataDictionary.assertDocuments(ClusterGold.VIEW, gold);
  }

  @Test
  @Order(2)
  void clusterStateFactReproducesTheWorkedExampleAndEachPitfall() {
    run(new ClusterStateDetailSilver(), RUN1, "r1");
    run(new ClusterStateFactGold(), RUN1, "r1");
    Dataset<Row> facts = store.readAll(ClusterStateFactGold.TARGET, ORG).cache();
    assertViewColumnsExist(ClusterStateFactGold.VIEW, facts);
    dev.overwatch.jobs.DataDictionary.assertDocuments(ClusterStateFactGold.VIEW, facts);

    // costs.md 3.7: interactive, STANDARD, one RUNNING hour, 2 workers.
    Row worked = state(facts, "c-std", "RUNNING");
    assertFigures(worked, Map.ofEntries(Map.entry("uptime_in_state_S", 3600.0), Map.entry("driver_dbus", 1.0),
        Map.entry("worker_dbus", 4.0), Map.entry("total_dbus", 5.0), Map.entry("driver_compute_cost", 0.30),
        Map.entry("worker_compute_cost", 1.20), Map.entry("driver_dbu_cost", 0.55), Map.entry("worker_dbu_cost", 2.20),
        Map.entry("total_compute_cost", 1.50), Map.entry("total_DBU_cost", 2.75), Map.entry("total_driver_cost", 0.85),
        Map.entry("total_worker_cost", 3.40), Map.entry("total_cost", 4.25), Map.entry("worker_potential_core_H", 16.0),
        Map.entry("core_hours", 16.0), Map.entry("dbu_rate", 0.55)));
    assertEquals("interactive|STANDARD|false|2|2|true|true", fields(worked, "sku", "runtime_engine", "isAutomated",
        "current_num_workers", "target_num_workers", "cloud_billable", "databricks_billable"));
    // Node types match instanceDetails case- and whitespace-insensitively (API_Name " DRV.4 ").
    assertEquals(" DRV.4 |wrk.8", fields(worked, "driverSpecs.API_Name", "workerSpecs.API_Name"));
    // Same state with PHOTON (interactive): DBUs x 2.0.
    assertFigures(state(facts, "c-photon", "RUNNING"), Map.of("total_dbus", 10.0, "total_DBU_cost", 5.50,
        "total_cost", 7.00));
    // Automated photon job cluster: factor 2.9, sku automated at 0.15.
    Row job = state(facts, "c-job", "RUNNING");
    assertEquals("automated|true", fields(job, "sku", "isAutomated"));
    assertFigures(job, Map.of("total_dbus", 14.5, "total_DBU_cost", 14.5 * 0.15, "total_compute_cost", 1.50));
    // Jobs light: automated on an apache_spark_ runtime.
    Row light = state(facts, "c-light", "RUNNING");
    assertEquals("jobsLight", fields(light, "sku"));
    assertFigures(light, Map.of("total_dbus", 5.0, "total_DBU_cost", 0.5, "dbu_rate", 0.10));
    // Single node: no worker DBUs or compute; potential and core hours from the driver's cores.
    assertFigures(state(facts, "c-single", "RUNNING"), Map.of("driver_dbus", 1.0, "worker_dbus", 0.0,
        "worker_compute_cost", 0.0, "total_cost", 0.85, "worker_potential_core_H", 4.0, "core_hours", 4.0));
    // Pool-backed: node types resolved through the pool (wrk.8 for driver and workers).
    assertFigures(state(facts, "c-pool", "RUNNING"), Map.of("total_dbus", 6.0, "total_compute_cost", 1.80,
        "total_cost", 1.80 + 6.0 * 0.55));
    // A node type missing from instanceDetails: DBU cost and total null with a reason, never zero.
    Row missing = state(facts, "c-missing", "RUNNING");
    assertNull(missing.getAs("total_cost"));
    assertNull(missing.getAs("total_DBU_cost"));
    assertTrue(String.valueOf(missing.<String>getAs("cost_null_reason")).contains("zz.unknown"),
        () -> missing.getAs("cost_null_reason"));
    // Cloud-billable but not DBU-billable: CREATING pays compute (target workers from the cluster size), no DBUs.
    Row creating = state(facts, "c-std", "CREATING");
    double h = (10 * MIN - 1) / 3_600_000.0;
    assertFigures(creating, Map.of("total_dbus", 0.0, "total_DBU_cost", 0.0, "driver_compute_cost", 0.30 * h,
        "worker_compute_cost", 0.60 * 2 * h));
    assertEquals("true|false", fields(creating, "cloud_billable", "databricks_billable"));
    // Terminated: not charged.
    for (String s : List.of("TERMINATING", "TERMINATED")) {
      assertFigures(state(facts, "c-std", s), Map.of("total_cost", 0.0, "total_dbus", 0.0, "core_hours", 0.0));
    }
    // Price change mid-period: each state takes the instanceDetails row valid at its start.
    assertEquals("0.6|0.9", fields(state(facts, "c-price", "RUNNING"), "workerSpecs.Compute_Contract_Price")
        + "|" + fields(state(facts, "c-price", "DRIVER_HEALTHY"), "workerSpecs.Compute_Contract_Price"));
    assertFigures(state(facts, "c-price", "DRIVER_HEALTHY"), Map.of("worker_compute_cost", 0.90 * 0.5));

    // Run 1 leaves the resized cluster's last state open at the window end, across midnight.
    Row open = state(facts, "c-resize", "UPSIZE_COMPLETED");
    assertEquals(RUN1.untilTS(), open.<Long>getAs("unixTimeMS_state_end"));
    assertEquals(2, open.<Integer>getAs("days_in_state"));
    facts.unpersist();
  }

  @Test
  @Order(3)
  void laterRunClosesOpenStatesInPlaceAndRerunsChangeNothing() {
    long before = store.readAll(ClusterStateFactGold.TARGET, ORG).count();
    writeEvents(List.of(event("c-resize", D1 + 3 * HOUR, "TERMINATING", null, null, null)));
    long runEnd = D0 + 13 * HOUR + 10 * MIN;
    store.appendRaw(JobRunSilver.TARGET, spark.sql("SELECT '" + ORG + "' AS organization_id, 7L AS runId, "
        + (D0 + 12 * HOUR) + "L AS startEpochMS, 'c-jobend' AS clusterId, named_struct('startEpochMS', "
        + (D0 + 12 * HOUR + 11 * MIN) + "L, 'endEpochMS', " + runEnd + "L) AS TaskExecutionRunTime"));
    run(new ClusterStateDetailSilver(), RUN2, "r2");
    run(new ClusterStateFactGold(), RUN2, "r2");
    Dataset<Row> facts = store.readAll(ClusterStateFactGold.TARGET, ORG).cache();
    assertEquals(before + 2, facts.count(), "two new states (TERMINATING, TERMINATING_IMPUTED), open ones closed in place");
    // costs.md 1.1: the job cluster ends at its run's end (TERMINATING_IMPUTED, not running, not charged).
    assertEquals(runEnd - 1, state(facts, "c-jobend", "RUNNING").<Long>getAs("unixTimeMS_state_end"));
    assertFigures(state(facts, "c-jobend", "TERMINATING_IMPUTED"), Map.of("total_cost", 0.0, "core_hours", 0.0));
    assertEquals(0, facts.groupBy("cluster_id", "state", "unixTimeMS_state_start").count().where("count > 1").count());

    // Resize while running, across midnight and runs: DBUs and compute = nodes x rate x hours of each interval.
    long running = D0 + 22 * HOUR;
    long resizing = D0 + 23 * HOUR;
    long upsized = resizing + 10 * MIN;
    long end = D1 + 3 * HOUR;
    double hRun = (resizing - 1 - running) / 3_600_000.0;
    double hRsz = (upsized - 1 - resizing) / 3_600_000.0;
    double hUp = (end - 1 - upsized) / 3_600_000.0;
    double dbus = 1.0 * (hRun + hRsz + hUp) + 2.0 * (2 * hRun + 2 * hRsz + 4 * hUp);
    double hCreating = (10 * MIN - 1) / 3_600_000.0;
    // CREATING is cloud-billable (2 target workers) but not DBU-billable; RESIZING bills DBUs on the 2 current
    // workers and compute on the 4 targeted ones.
    double compute = 0.30 * (hCreating + hRun + hRsz + hUp) + 0.60 * (2 * hCreating + 2 * hRun + 4 * hRsz + 4 * hUp);
    Row sums = facts.where("cluster_id = 'c-resize'").selectExpr("sum(total_dbus)", "sum(total_DBU_cost)",
        "sum(total_compute_cost)", "sum(total_cost)").first();
    assertEquals(dbus, sums.getDouble(0), 1e-6);
    assertEquals(dbus * 0.55, sums.getDouble(1), 1e-6);
    assertEquals(compute, sums.getDouble(2), 1e-6);
    assertEquals(dbus * 0.55 + compute, sums.getDouble(3), 1e-6);
    Row closed = state(facts, "c-resize", "UPSIZE_COMPLETED");
    assertEquals(end - 1, closed.<Long>getAs("unixTimeMS_state_end"));
    assertEquals("4|4|2", fields(closed, "current_num_workers", "target_num_workers", "days_in_state"));
    assertEquals("2|4", fields(state(facts, "c-resize", "RESIZING"), "current_num_workers", "target_num_workers"));
    List<String> snapshotOfFacts = keyedCosts(facts);
    facts.unpersist();

    // The same window again (a rerun of the same snapshot): no row added, no figure changed.
    run(new ClusterStateDetailSilver(), RUN2, "r2b");
    run(new ClusterStateFactGold(), RUN2, "r2b");
    Dataset<Row> again = store.readAll(ClusterStateFactGold.TARGET, ORG);
    assertEquals(snapshotOfFacts, keyedCosts(again));
  }

  @Test
  @Order(4)
  void skuAndPhotonRulesOnSingleRows() {
    Dataset<Row> rows = spark.sql("SELECT * FROM VALUES "
        + "('job-1-run-2', '15.4.x-scala2.12', 'Standard'), ('job-1-run-2', 'apache_spark_3.5', 'Standard'), "
        + "('bi', '15.4.x', 'SQL Analytics'), ('hc', '15.4.x', 'High-Concurrency'), ('std', '15.4.x', 'Standard'), "
        + "(CAST(NULL AS STRING), '15.4.x', 'Standard') AS t(cluster_name, spark_version, cluster_type)");
    List<String> skus = rows.select(ClusterStateFactGold.ClusterCosts.sku(rows.col("cluster_name"),
        rows.col("spark_version"), rows.col("cluster_type"))).as(Encoders.STRING()).collectAsList();
    assertEquals(List.of("automated", "jobsLight", "sqlCompute", "interactive", "interactive", "unknown"), skus);
  }

  // ------------------------------------------------------------------ fixtures

  /** Price rows written straight into the tables, as a user would (the pc.8 row is re-priced on D1). */
  private void writePrices() {
    Dataset<Row> instances = spark.sql("SELECT organization_id, API_Name, vCPUs, Memory_GB, Compute_Contract_Price, "
        + "Hourly_DBUs, isActive, activeFrom, activeUntil FROM VALUES "
        + "('" + ORG + "', ' DRV.4 ', 4, 16.0D, 0.30D, 1.0D, true, DATE'2026-10-01', CAST(NULL AS DATE)), "
        + "('" + ORG + "', 'wrk.8', 8, 32.0D, 0.60D, 2.0D, true, DATE'2026-10-01', NULL), "
        + "('" + ORG + "', 'pc.8', 8, 32.0D, 0.60D, 2.0D, false, DATE'2026-10-01', DATE'2026-11-03'), "
        + "('" + ORG + "', 'pc.8', 8, 32.0D, 0.90D, 2.0D, true, DATE'2026-11-03', NULL), "
        + "('other-org', 'zz.unknown', 8, 32.0D, 9.99D, 9.0D, true, DATE'2026-10-01', NULL) "
        + "AS t(organization_id, API_Name, vCPUs, Memory_GB, Compute_Contract_Price, Hourly_DBUs, isActive, "
        + "activeFrom, activeUntil)");
    Dataset<Row> dbu = spark.sql("SELECT * FROM VALUES "
        + "('" + ORG + "', 'interactive', 0.55D, true, DATE'2026-10-01', CAST(NULL AS DATE)), "
        + "('" + ORG + "', 'automated', 0.15D, true, DATE'2026-10-01', NULL), "
        + "('" + ORG + "', 'sqlCompute', 0.22D, true, DATE'2026-10-01', NULL), "
        + "('" + ORG + "', 'jobsLight', 0.10D, true, DATE'2026-10-01', NULL) "
        + "AS t(organization_id, sku, contract_price, isActive, activeFrom, activeUntil)");
    TableStore.WriteRequest request = new TableStore.WriteRequest(ORG, "cost", "prices", Instant.ofEpochMilli(D0),
        RUN1, ZoneId.of("UTC"), 0);
    store.write(PriceTables.INSTANCE_DETAILS, instances, request);
    store.write(PriceTables.DBU_COST_DETAILS, dbu, request);
  }

  /** Cluster definitions: create events at 08:00 on D0 (audit requestParams are strings, nested ones JSON). */
  private void writeAudit(Path root) throws IOException {
    List<String> lines = new ArrayList<>();
    long t = D0 + 8 * HOUR;
    lines.add(create(t, "c-std", "std-analytics", "drv.4", "wrk.8", 2, "15.4.x-scala2.12", "STANDARD", null, null, null));
    lines.add(create(t + 1, "c-photon", "photon-bi", "drv.4", "wrk.8", 2, "15.4.x-photon-scala2.12", "PHOTON", null,
        null, null));
    lines.add(create(t + 2, "c-job", "job-1-run-2", "drv.4", "wrk.8", 2, "15.4.x-scala2.12", "PHOTON", null, null,
        null));
    lines.add(create(t + 3, "c-light", "job-5-run-6", "drv.4", "wrk.8", 2, "apache_spark_3.5.x-scala2.12", null, null,
        null, null));
    lines.add(create(t + 4, "c-single", "solo", null, "drv.4", 0, "15.4.x-scala2.12", "STANDARD", null,
        "{\\\"ResourceClass\\\":\\\"SingleNode\\\"}",
        "{\\\"spark.databricks.cluster.profile\\\":\\\"singleNode\\\",\\\"spark.master\\\":\\\"local[*]\\\"}"));
    lines.add(create(t + 5, "c-pool", "pooled", null, null, 2, "15.4.x-scala2.12", "STANDARD", "pool-1", null, null));
    lines.add(create(t + 6, "c-missing", "mystery", "zz.unknown", "zz.unknown", 1, "15.4.x-scala2.12", "STANDARD", null,
        null, null));
    lines.add(create(t + 7, "c-resize", "long-runner", "drv.4", "wrk.8", 2, "15.4.x-scala2.12", "STANDARD", null, null,
        null));
    lines.add(create(t + 8, "c-price", "repriced", "drv.4", "pc.8", 1, "15.4.x-scala2.12", "STANDARD", null, null,
        null));
    lines.add(create(t + 9, "c-edited", "edited", "drv.4", "wrk.8", 1, "15.4.x-scala2.12", "STANDARD", null, null,
        null));
    lines.add(create(t + 10, "c-jobend", "job-9-run-9", "drv.4", "wrk.8", 1, "15.4.x-scala2.12", "STANDARD", null,
        null, null));
    lines.add(audit(t + HOUR, "edit", "{\"cluster_id\":\"c-edited\",\"cluster_name\":\"edited\",\"num_workers\":\"3\","
        + "\"node_type_id\":\"wrk.8\",\"driver_node_type_id\":\"drv.4\",\"spark_version\":\"15.4.x-scala2.12\"}",
        "{\"statusCode\":200}", "carl@example.com"));
    Path day = Files.createDirectories(root.resolve("date=2026-11-02"));
    Files.writeString(day.resolve("auditlogs_clusters.json"), String.join("\n", lines) + "\n");
  }

  private static String create(long t, String id, String name, String driver, String node, int workers, String version,
      String engine, String pool, String tagsJson, String confJson) {
    StringBuilder p = new StringBuilder("{\"cluster_name\":\"" + name + "\",\"spark_version\":\"" + version + "\"");
    p.append(",\"num_workers\":\"").append(workers).append('"');
    if (driver != null) {
      p.append(",\"driver_node_type_id\":\"").append(driver).append('"');
    }
    if (node != null) {
      p.append(",\"node_type_id\":\"").append(node).append('"');
    }
    if (engine != null) {
      p.append(",\"runtime_engine\":\"").append(engine).append('"');
    }
    if (pool != null) {
      p.append(",\"instance_pool_id\":\"").append(pool).append("\",\"driver_instance_pool_id\":\"").append(pool).append('"');
    }
    if (tagsJson != null) {
      p.append(",\"custom_tags\":\"").append(tagsJson).append('"');
    }
    if (confJson != null) {
      p.append(",\"spark_conf\":\"").append(confJson).append('"');
    }
    p.append('}');
    return audit(t, "create", p.toString(), "{\"statusCode\":200,\"result\":\"{\\\"cluster_id\\\":\\\"" + id + "\\\"}\"}",
        "ann@example.com");
  }

  private static String audit(long t, String action, String params, String response, String user) {
    return "{\"version\":\"2.0\",\"timestamp\":" + t + ",\"serviceName\":\"clusters\",\"actionName\":\"" + action
        + "\",\"requestId\":\"req-" + t + "\",\"sourceIPAddress\":\"10.0.0.1\",\"userAgent\":\"curl\","
        + "\"userIdentity\":{\"email\":\"" + user + "\"},\"requestParams\":" + params + ",\"response\":" + response + "}";
  }

  /** One snapshot cluster created before the window (no create event) and the pool the pooled cluster uses. */
  private void writeSnapshots() {
    String snapTs = "TIMESTAMP'2026-11-02 06:00:00'";
    Dataset<Row> clusters = spark.sql("SELECT '" + ORG + "' AS organization_id, 'c-old' AS cluster_id, "
        + "'old-timer' AS cluster_name, 'TERMINATED' AS state, '15.4.x-scala2.12' AS spark_version, "
        + "CAST(NULL AS STRING) AS effective_spark_version, 'STANDARD' AS runtime_engine, 'wrk.8' AS node_type_id, "
        + "'drv.4' AS driver_node_type_id, CAST(1 AS BIGINT) AS num_workers, CAST(60 AS BIGINT) AS autotermination_minutes, "
        + "true AS enable_elastic_disk, CAST(NULL AS STRING) AS instance_pool_id, "
        + "CAST(NULL AS STRING) AS driver_instance_pool_id, 'UI' AS cluster_source, "
        + "'bob@example.com' AS creator_user_name, CAST(NULL AS STRING) AS single_user_name, "
        + "CAST(" + (D0 - 48 * HOUR) + " AS BIGINT) AS start_time, CAST(" + (D0 - 47 * HOUR) + " AS BIGINT) AS terminated_time, "
        + "map('Creator', 'bob@example.com') AS default_tags, map('team', 'ops') AS custom_tags, "
        + "CAST(NULL AS MAP<STRING,STRING>) AS spark_conf, CAST(NULL AS MAP<STRING,STRING>) AS spark_env_vars, "
        + "CAST(NULL AS MAP<STRING,STRING>) AS aws_attributes, CAST(NULL AS MAP<STRING,STRING>) AS azure_attributes, "
        + "CAST(NULL AS MAP<STRING,STRING>) AS gcp_attributes, "
        + "CAST(NULL AS STRUCT<max_workers: BIGINT, min_workers: BIGINT>) AS autoscale, "
        + "CAST(NULL AS STRUCT<dbfs: STRUCT<destination: STRING>>) AS cluster_log_conf, "
        + snapTs + " AS Pipeline_SnapTS, 'snap-run' AS Overwatch_RunID, 'cost' AS workspace_name");
    store.appendRaw(ClustersSnapshotBronze.TARGET, clusters);
    Dataset<Row> pools = spark.sql("SELECT '" + ORG + "' AS organization_id, 'pool-1' AS instance_pool_id, "
        + "'pool one' AS instance_pool_name, 'wrk.8' AS node_type_id, " + snapTs + " AS Pipeline_SnapTS, "
        + "'snap-run' AS Overwatch_RunID, 'cost' AS workspace_name");
    store.appendRaw(PoolsSnapshotBronze.TARGET, pools);
  }

  /** A RUNNING hour of exactly 3 600 s (next event 1 h + 1 ms later, end = next - 1) after 10 min of CREATING. */
  private static List<String> hourOfRunning(String id, long creating, int workers) {
    long running = creating + 10 * MIN;
    return List.of(event(id, creating, "CREATING", null, null, workers),
        event(id, running, "RUNNING", (long) workers, (long) workers, null),
        event(id, running + HOUR + 1, "TERMINATING", null, null, null),
        event(id, running + HOUR + 5 * MIN, "TERMINATED", 0L, null, null));
  }

  private static List<String> run1Events() {
    List<String> e = new ArrayList<>();
    long nine = D0 + 9 * HOUR;
    for (String id : List.of("c-std", "c-photon", "c-job", "c-light", "c-pool")) {
      e.addAll(hourOfRunning(id, nine, 2));
    }
    e.addAll(hourOfRunning("c-single", nine, 0));
    e.addAll(hourOfRunning("c-missing", nine, 1));
    // Resize while running: 2 workers at 22:00, RESIZING to 4 at 23:00, 4 up at 23:10, running past midnight.
    e.add(event("c-resize", D0 + 21 * HOUR + 50 * MIN, "CREATING", null, null, 2));
    e.add(event("c-resize", D0 + 22 * HOUR, "RUNNING", 2L, 2L, null));
    e.add(event("c-resize", D0 + 23 * HOUR, "RESIZING", 2L, 4L, null));
    e.add(event("c-resize", D0 + 23 * HOUR + 10 * MIN, "UPSIZE_COMPLETED", 4L, 4L, null));
    // A job cluster whose terminating event never arrives (closed by its job run's end in run 2).
    e.add(event("c-jobend", D0 + 12 * HOUR, "CREATING", null, null, 1));
    e.add(event("c-jobend", D0 + 12 * HOUR + 10 * MIN, "RUNNING", 1L, 1L, null));
    // Price change on D1: a state starting on D0 keeps the old price, one starting on D1 takes the new one.
    e.add(event("c-price", D0 + 22 * HOUR + 50 * MIN, "CREATING", null, null, 1));
    e.add(event("c-price", D0 + 23 * HOUR, "RUNNING", 1L, 1L, null));
    e.add(event("c-price", D1 + HOUR, "DRIVER_HEALTHY", 1L, 1L, null));
    e.add(event("c-price", D1 + HOUR + 30 * MIN + 1, "TERMINATING", null, null, null));
    return e;
  }

  private static String event(String id, long t, String type, Long current, Long target, Integer size) {
    StringBuilder d = new StringBuilder("{");
    if (current != null) {
      d.append("\"current_num_workers\":").append(current);
    }
    if (target != null) {
      d.append(d.length() > 1 ? "," : "").append("\"target_num_workers\":").append(target);
    }
    if (size != null) {
      d.append(d.length() > 1 ? "," : "").append("\"cluster_size\":{\"num_workers\":").append(size).append('}');
    }
    d.append('}');
    return "{\"organization_id\":\"" + ORG + "\",\"cluster_id\":\"" + id + "\",\"timestamp\":" + t + ",\"type\":\""
        + type + "\",\"details\":" + d + "}";
  }

  private void writeEvents(List<String> json) {
    Dataset<Row> df = spark.read().schema("organization_id STRING, cluster_id STRING, timestamp BIGINT, type STRING, "
            + "details STRUCT<current_num_workers: BIGINT, target_num_workers: BIGINT, cluster_size: STRUCT<num_workers: "
            + "BIGINT, autoscale: STRUCT<min_workers: BIGINT, max_workers: BIGINT>>>")
        .json(spark.createDataset(json, Encoders.STRING()));
    store.appendRaw(ClusterEventsBronze.TARGET, df.withColumn("Pipeline_SnapTS",
            org.apache.spark.sql.functions.current_timestamp()).withColumn("Overwatch_RunID",
            org.apache.spark.sql.functions.lit("events")).withColumn("workspace_name", org.apache.spark.sql.functions.lit("cost"))
        .withColumn(TargetTable.NOISE, org.apache.spark.sql.functions.lit(0)));
  }

  // ------------------------------------------------------------------ helpers

  private EngineTestAccess.Outcome run(Module module, TimeWindow w, String runId) {
    ModuleContext ctx = new ModuleContext(module.spec(), ws, spec, store, w, runId, Instant.ofEpochMilli(w.untilTS()),
        ZoneId.of("UTC"), () -> {
          throw new IllegalStateException("no API in this test");
        }, StoragePaths.qualify(base.resolve("tmp/" + runId).toString()));
    EngineTestAccess.Outcome out = EngineTestAccess.runAndCommit(module, ctx, store, "cost");
    assertNull(out.emptyReason(), () -> module.spec().name() + ": " + out.emptyReason());
    return out;
  }

  private static Map<String, Row> byCluster(Dataset<Row> df) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : df.collectAsList()) {
      out.merge(r.getAs("cluster_id"), r, (a, b) -> a);
    }
    return out;
  }

  private static Row state(Dataset<Row> facts, String cluster, String state) {
    List<Row> rows = facts.where("cluster_id = '" + cluster + "' AND state = '" + state + "'").collectAsList();
    assertEquals(1, rows.size(), cluster + " " + state + ": " + rows);
    return rows.get(0);
  }

  private static String fields(Row r, String... names) {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      Object v;
      if (n.contains(".")) {
        Row s = r.getAs(n.substring(0, n.indexOf('.')));
        v = s == null ? null : s.getAs(n.substring(n.indexOf('.') + 1));
      } else {
        v = r.getAs(n);
      }
      out.add(String.valueOf(v));
    }
    return String.join("|", out);
  }

  private static void assertFigures(Row r, Map<String, Double> expected) {
    expected.forEach((c, v) -> {
      Object actual = r.getAs(c);
      assertTrue(actual != null, () -> c + " is null in " + r);
      assertEquals(v, ((Number) actual).doubleValue(), EPS, () -> c + " of " + r.getAs("cluster_id") + " " + r.getAs("state"));
    });
  }

  private static List<String> keyedCosts(Dataset<Row> facts) {
    return facts.selectExpr("concat_ws('|', cluster_id, state, unixTimeMS_state_start, unixTimeMS_state_end, "
        + "total_cost, total_dbus, current_num_workers) AS k").orderBy("k").as(Encoders.STRING()).collectAsList();
  }

  private static void assertViewColumnsExist(dev.overwatch.jobs.engine.ConsumerView view, Dataset<Row> gold) {
    List<String> have = List.of(gold.columns());
    for (String c : view.goldColumns()) {
      assertTrue(have.contains(c), () -> view.name() + " reads " + c + ", missing in " + have);
    }
  }
}
