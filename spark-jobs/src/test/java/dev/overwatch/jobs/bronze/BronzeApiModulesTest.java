package dev.overwatch.jobs.bronze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.OverwatchDeploymentSpec;
import dev.overwatch.jobs.TestSpark;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.TableStore;
import dev.overwatch.jobs.engine.TimeWindow;
import dev.overwatch.jobs.engine.WorkspaceConfig;
import dev.overwatch.jobs.sources.ApiClients;
import dev.overwatch.jobs.sources.BusyRetry;
import dev.overwatch.jobs.sources.DatabricksApi;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/** The REST snapshot modules over the recorded responses in test resources replay/ws1, called directly. */
class BronzeApiModulesTest {
  static final String ORG = "1234";
  /** 2023-11-06T00:00Z .. 2023-11-07T00:00Z */
  static final long FROM = 1699228800000L;
  static final long UNTIL = 1699315200000L;
  static SparkSession spark;
  static TableStore store;
  static DatabricksApi api;
  static DatabricksApi emptyApi;

  @BeforeAll
  static void setUp() {
    spark = TestSpark.session();
    store = new TableStore(spark, "file:" + TestSpark.newDir("bronze-api"), "etl");
    api = ApiClients.forWorkspace(workspace("AWS", "ws1"), Map.of(), new BusyRetry(5, ms -> { }));
    emptyApi = ApiClients.forWorkspace(workspace("AWS", "empty"), Map.of(), new BusyRetry(5, ms -> { }));
  }

  @AfterAll
  static void tearDown() {
    api.close();
    emptyApi.close();
  }

  static WorkspaceConfig workspace(String cloud, String replay) {
    try {
      Path folder = Path.of(BronzeApiModulesTest.class.getResource("/replay/" + replay).toURI());
      return new WorkspaceConfig("ws1", ORG, cloud, Optional.empty(), Optional.empty(), "json",
          Optional.of("file:" + folder), List.of(), Map.of(), Set.of(), WorkspaceConfig.tokenEnvVar("ws1"));
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static ModuleContext ctx(Module m, DatabricksApi client, boolean firstRun) {
    return new ModuleContext(m.spec(), workspace("AWS", "ws1"), new OverwatchDeploymentSpec(), store,
        new TimeWindow(FROM, UNTIL, firstRun), "run-1", Instant.ofEpochMilli(UNTIL), ZoneOffset.UTC, () -> client,
        TestSpark.newDir("tmp").toString());
  }

  static List<Row> rows(Module m, String... orderBy) {
    return m.transform(ctx(m, api, false)).orderBy(orderBy[0]).collectAsList();
  }

  static Map<String, String> map(Row r, String field) {
    Object v = r.getAs(field);
    return v == null ? null : CollectionConverters.asJava((scala.collection.Map<String, String>) v);
  }

  static void assertHas(Dataset<Row> df, String... fields) {
    Set<String> names = Arrays.stream(df.columns()).collect(Collectors.toSet());
    for (String f : fields) {
      assertTrue(names.contains(f), f + " missing from " + names);
    }
  }

  @Test
  void jobsSnapshotKeepsMapsInsideTasksAndClusters() {
    JobsSnapshotBronze m = new JobsSnapshotBronze();
    Dataset<Row> df = m.transform(ctx(m, api, false));
    assertHas(df, "job_id", "created_time", "creator_user_name", "run_as_user_name", "job_type", "settings", "organization_id");
    StructType settings = (StructType) df.schema().apply("settings").dataType();
    assertEquals(new MapType(DataTypes.StringType, DataTypes.StringType, true), settings.apply("tags").dataType());
    assertEquals(DataTypes.LongType, df.schema().apply("job_id").dataType());
    List<Row> rows = df.selectExpr("job_id", "settings.tags", "get(settings.tasks, 0).notebook_task.base_parameters AS bp",
        "get(settings.job_clusters, 0).new_cluster.spark_conf AS jc_conf", "settings.new_cluster.custom_tags AS legacy_tags",
        "get(settings.tasks, 1).sql_task.parameters AS sqlp", "get(settings.tasks, 2).new_cluster.spark_env_vars AS env",
        "settings.schedule.pause_status", "organization_id").orderBy("job_id").collectAsList();
    assertEquals(3, rows.size());
    Row nightly = rows.get(0);
    assertEquals(101L, nightly.getLong(0));
    assertEquals(Map.of("team", "data", "cost center", "42"), map(nightly, "tags"));
    assertEquals(Map.of("env", "prod", "day", "yesterday"), map(nightly, "bp"));
    assertEquals(Map.of("spark.sql.shuffle.partitions", "64"), map(nightly, "jc_conf"));
    assertEquals(Map.of("region", "eu"), map(nightly, "sqlp"));
    assertEquals(Map.of("PYSPARK_PYTHON", "/databricks/python3/bin/python3"), map(nightly, "env"));
    assertEquals("UNPAUSED", nightly.getString(7));
    assertEquals(Map.of("ResourceClass", "SingleNode"), map(rows.get(1), "legacy_tags"));
    assertNull(rows.get(2).get(7));
    assertEquals(ORG, nightly.getString(8));
  }

  @Test
  void jobRunsSnapshotTakesRunsStartedInTheWindowAndIsOptIn() {
    JobRunsSnapshotBronze m = new JobRunsSnapshotBronze();
    OverwatchDeploymentSpec deployment = new OverwatchDeploymentSpec();
    assertFalse(m.appliesTo(workspace("AWS", "ws1"), deployment));
    deployment.features.jobRunSnapshot = true;
    assertTrue(m.appliesTo(workspace("AWS", "ws1"), deployment));
    Dataset<Row> df = m.transform(ctx(m, api, false));
    assertHas(df, "job_id", "run_id", "start_time", "end_time", "state", "cluster_instance", "organization_id");
    List<Row> rows = df.selectExpr("run_id", "state.result_state", "cluster_spec.new_cluster.spark_conf AS conf",
        "get(tasks, 0).notebook_task.base_parameters AS bp").orderBy("run_id").collectAsList();
    assertEquals(List.of(5001L, 5003L), rows.stream().map(r -> r.getLong(0)).toList());
    assertEquals("SUCCESS", rows.get(0).getString(1));
    assertEquals(Map.of("spark.speculation", "true"), map(rows.get(0), "conf"));
    assertEquals(Map.of("env", "prod"), map(rows.get(0), "bp"));
  }

  @Test
  void poolsWarehousesAndSmallSnapshots() {
    Dataset<Row> pools = new PoolsSnapshotBronze().transform(ctx(new PoolsSnapshotBronze(), api, false));
    assertHas(pools, "instance_pool_id", "instance_pool_name", "node_type_id", "idle_instance_autotermination_minutes",
        "min_idle_instances", "max_capacity", "preloaded_spark_versions", "custom_tags", "default_tags", "aws_attributes",
        "azure_attributes", "gcp_attributes", "organization_id");
    List<Row> p = pools.orderBy("instance_pool_id").collectAsList();
    assertEquals(2, p.size());
    assertEquals(Map.of("team", "data"), map(p.get(0), "custom_tags"));
    assertEquals(Map.of("availability", "SPOT", "zone_id", "auto"), map(p.get(0), "aws_attributes"));
    assertEquals(10L, (Long) p.get(0).getAs("max_capacity"));
    assertNull(p.get(1).getAs("max_capacity"));
    assertFalse(Arrays.asList(pools.columns()).contains("disk_spec"), "empty objects are culled");

    Dataset<Row> wh = new WarehousesSnapshotBronze().transform(ctx(new WarehousesSnapshotBronze(), api, false));
    assertHas(wh, "warehouse_id", "name", "cluster_size", "auto_stop_mins", "creator_id", "tags", "odbc_params",
        "channel", "enable_serverless_compute", "num_active_sessions");
    assertFalse(Arrays.asList(wh.columns()).contains("id"));
    List<Row> w = wh.orderBy("warehouse_id").collectAsList();
    assertEquals(Map.of("team", "bi", "env", "prod"), map(w.get(0), "tags"));
    assertEquals("443", map(w.get(0), "odbc_params").get("port"));
    assertEquals(661448457191611L, (Long) w.get(0).getAs("creator_id"));
    Map<String, String> noTags = map(w.get(1), "tags");
    assertTrue(noTags == null || noTags.isEmpty(), String.valueOf(noTags));

    assertEquals(List.of("t-1", "t-2"), ids(new TokensSnapshotBronze(), "token_id"));
    assertEquals(List.of("S1"), ids(new GlobalInitsSnapshotBronze(), "script_id"));
    assertEquals(List.of("P01", "P02"), ids(new PoliciesSnapshotBronze(), "policy_id"));
    assertEquals(List.of("1102-020007-aaaa0001", "1103-090217-bbbb0002"), ids(new LibsSnapshotBronze(), "cluster_id"));
    InstanceProfilesSnapshotBronze profiles = new InstanceProfilesSnapshotBronze();
    assertEquals(2, ids(profiles, "instance_profile_arn").size());
    assertTrue(profiles.appliesTo(workspace("AWS", "ws1"), new OverwatchDeploymentSpec()));
    assertFalse(profiles.appliesTo(workspace("Azure", "ws1"), new OverwatchDeploymentSpec()));
    assertEquals(List.of("instance_profile_arn", "Overwatch_RunID"), InstanceProfilesSnapshotBronze.TARGET.keys());

    // Empty answers ({} or only total_count) are EMPTY with progression.
    for (Module m : List.of(new PoliciesSnapshotBronze(), new TokensSnapshotBronze(), new JobsSnapshotBronze())) {
      NoNewDataException e = assertThrows(NoNewDataException.class, () -> m.transform(ctx(m, emptyApi, false)));
      assertTrue(e.allowProgression());
    }
  }

  private static List<String> ids(Module m, String key) {
    Dataset<Row> df = m.transform(ctx(m, api, false));
    assertEquals(ORG, df.select("organization_id").first().getString(0));
    return df.select(key).orderBy(key).as(Encoders.STRING()).collectAsList();
  }

  @Test
  void clustersSnapshotCombinesAuditAndListAndRecordsMissingClusters() {
    writeAudit();
    ClustersSnapshotBronze m = new ClustersSnapshotBronze();
    ModuleContext c = ctx(m, api, false);
    Dataset<Row> df = m.transform(c);
    assertHas(df, "cluster_id", "cluster_name", "state", "num_workers", "autoscale", "cluster_log_conf", "default_tags",
        "custom_tags", "spark_conf", "spark_env_vars", "aws_attributes", "azure_attributes", "gcp_attributes",
        "start_time", "terminated_time", "single_user_name", "organization_id");
    assertFalse(Arrays.asList(df.columns()).contains("spec"));
    List<Row> rows = df.orderBy("cluster_id").collectAsList();
    assertEquals(List.of("1102-020007-aaaa0001", "1103-090217-bbbb0002", "1105-020007-job00001"),
        rows.stream().map(r -> r.<String>getAs("cluster_id")).toList());
    Row shared = rows.get(0);
    assertEquals("true", map(shared, "spark_conf").get("spark.databricks.delta.preview.enabled"));
    assertEquals("1", map(shared, "aws_attributes").get("first_on_demand"));
    assertEquals(4L, shared.<Row>getAs("autoscale").<Long>getAs("max_workers"));
    assertEquals("dbfs:/cluster-logs", shared.<Row>getAs("cluster_log_conf").<Row>getAs("dbfs").getString(0));
    assertEquals("101", map(rows.get(2), "default_tags").get("JobId"));

    // The purged cluster named by the audit log is an error row, not a failure; the old one is outside the window.
    Dataset<Row> errors = sideOutput(c, ClustersSnapshotBronze.ERRORS);
    List<Row> e = errors.collectAsList();
    assertEquals(1, e.size());
    assertEquals("0000-000000-purged00", e.get(0).getAs("cluster_id"));
    assertEquals(FROM, (Long) e.get(0).getAs("from_epoch"));
    assertTrue(e.get(0).<String>getAs("error").contains("does not exist"), e.get(0).<String>getAs("error"));
    assertEquals(ORG, e.get(0).getAs("organization_id"));
  }

  @Test
  void clusterEventsForClustersWithNewActivity() {
    writeAudit();
    writeSnapshots();
    ClusterEventsBronze m = new ClusterEventsBronze();
    assertEquals(Optional.of(60), ClusterEventsBronze.SPEC.hardLimitMaxHistoryDays());
    assertEquals(List.of(1004), ClusterEventsBronze.SPEC.dependencies());

    ModuleContext c = ctx(m, api, false);
    Dataset<Row> df = m.transform(c);
    assertHas(df, "cluster_id", "timestamp", "type", "details", "organization_id");
    // Incremental run: from one day before the window; shared cluster (RUNNING in the latest snapshot) + job cluster (audit create).
    List<Row> rows = df.orderBy("timestamp").collectAsList();
    assertEquals(List.of(1699200000000L, 1699210000000L, 1699250010000L, 1699250610000L, 1699300000000L),
        rows.stream().map(r -> r.<Long>getAs("timestamp")).toList());
    Row edited = rows.get(1);
    assertEquals("EDITED", edited.getAs("type"));
    Dataset<Row> maps = df.where("type = 'EDITED'").selectExpr("details.attributes.custom_tags AS now",
        "details.previous_attributes.custom_tags AS before", "details.reason.code AS code");
    Row mr = maps.first();
    assertEquals(Map.of("team", "data", "tier", "gold"), map(mr, "now"));
    assertEquals(Map.of("team", "data"), map(mr, "before"));
    assertEquals(3L, df.where("type = 'RESIZING'").selectExpr("details.target_num_workers").first().getLong(0));
    List<Row> errors = sideOutput(c, ClusterEventsBronze.ERRORS).collectAsList();
    assertEquals(List.of("0000-000000-purged00"), errors.stream().map(r -> r.<String>getAs("cluster_id")).toList());
    assertEquals(FROM - 86_400_000L, (Long) errors.get(0).getAs("from_epoch"));
    assertEquals(UNTIL, (Long) errors.get(0).getAs("until_epoch"));

    // First run: from epoch 0, so the creation events of the shared cluster come too.
    assertEquals(7, m.transform(ctx(m, api, true)).count());
  }

  @SuppressWarnings("unchecked")
  private static Dataset<Row> sideOutput(ModuleContext c, dev.overwatch.jobs.engine.TargetTable table) {
    try {
      var method = ModuleContext.class.getDeclaredMethod("sideOutputs");
      method.setAccessible(true);
      return ((Map<dev.overwatch.jobs.engine.TargetTable, Dataset<Row>>) method.invoke(c)).get(table);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void clusterIdRules() {
    Dataset<Row> audit = auditRows();
    assertEquals(new TreeSet<>(List.of("0000-000000-purged00", "1102-020007-aaaa0001", "1105-020007-job00001",
        "9999-000000-old00000")), ClusterIds.distinctFromAudit(audit, true));
    assertEquals(new TreeSet<>(List.of("0000-000000-purged00", "1105-020007-job00001", "9999-000000-old00000")),
        ClusterIds.distinctFromAudit(audit, false));
  }

  @Test
  void scrubbingAndCulling() {
    assertEquals("costcenter", SnapshotSupport.scrubName("cost center"));
    assertEquals("a_b_c", SnapshotSupport.scrubName("a.b-c"));
    Dataset<Row> df = SnapshotSupport.parse(spark, List.of(
        "{\"a.b\": 1, \"a_b\": 2, \"x\": {\"y z\": 3, \"e\": {}}, \"empty\": {}, \"tags\": {\"k.1\": \"v\", \"k2\": null}}"),
        Map.of("tags", SnapshotSupport.STRING_MAP));
    List<String> cols = Arrays.asList(df.columns());
    assertEquals(4, cols.size(), cols.toString());
    assertTrue(cols.stream().allMatch(n -> n.startsWith("a_b_UNIQUESUFFIX_") || n.equals("x") || n.equals("tags")), cols.toString());
    assertEquals("struct<yz:bigint>", df.schema().apply("x").dataType().simpleString());
    assertEquals(Map.of("k.1", "v"), map(df.first(), "tags"));
  }

  // ---- fixtures: tiny audit and snapshot tables ----

  static Dataset<Row> auditRows() {
    String ddl = "serviceName STRING, actionName STRING, timestamp BIGINT, date DATE, organization_id STRING,"
        + " requestParams STRUCT<clusterId: STRING, cluster_id: STRING>, response STRUCT<statusCode: BIGINT, result: STRING>";
    List<String> json = List.of(
        "{\"serviceName\":\"clusters\",\"actionName\":\"create\",\"timestamp\":1699250000000,\"date\":\"2023-11-06\",\"organization_id\":\"1234\","
            + "\"requestParams\":{},\"response\":{\"statusCode\":200,\"result\":\"{\\\"cluster_id\\\":\\\"1105-020007-job00001\\\"}\"}}",
        "{\"serviceName\":\"clusters\",\"actionName\":\"delete\",\"timestamp\":1699260000000,\"date\":\"2023-11-06\",\"organization_id\":\"1234\","
            + "\"requestParams\":{\"cluster_id\":\"0000-000000-purged00\"},\"response\":{\"statusCode\":200}}",
        "{\"serviceName\":\"jobs\",\"actionName\":\"runStart\",\"timestamp\":1699250000000,\"date\":\"2023-11-06\",\"organization_id\":\"1234\","
            + "\"requestParams\":{\"clusterId\":\"1102-020007-aaaa0001\"},\"response\":{\"statusCode\":200}}",
        "{\"serviceName\":\"accounts\",\"actionName\":\"login\",\"timestamp\":1699250000000,\"date\":\"2023-11-06\",\"organization_id\":\"1234\","
            + "\"requestParams\":{},\"response\":{\"statusCode\":200}}",
        "{\"serviceName\":\"clusters\",\"actionName\":\"startResult\",\"timestamp\":1690000000000,\"date\":\"2023-07-22\",\"organization_id\":\"1234\","
            + "\"requestParams\":{\"clusterId\":\"9999-000000-old00000\"},\"response\":{\"statusCode\":200}}");
    return spark.read().schema(ddl).json(spark.createDataset(json, Encoders.STRING()));
  }

  static void writeAudit() {
    if (!store.exists(AuditLogBronze.TARGET)) {
      auditRows().write().format("delta").partitionBy("organization_id", "date").save(store.path(AuditLogBronze.TARGET));
    }
  }

  static void writeSnapshots() {
    if (store.exists(ClustersSnapshotBronze.TARGET)) {
      return;
    }
    StructType schema = new StructType().add("cluster_id", DataTypes.StringType).add("state", DataTypes.StringType)
        .add("organization_id", DataTypes.StringType).add(TableStore.SNAP_TS, DataTypes.TimestampType);
    Timestamp older = new Timestamp(FROM - 86_400_000L);
    Timestamp latest = new Timestamp(FROM);
    List<Row> rows = List.of(
        org.apache.spark.sql.RowFactory.create("1103-090217-bbbb0002", "RUNNING", ORG, older),
        org.apache.spark.sql.RowFactory.create("1102-020007-aaaa0001", "TERMINATED", ORG, older),
        org.apache.spark.sql.RowFactory.create("1103-090217-bbbb0002", "TERMINATED", ORG, latest),
        org.apache.spark.sql.RowFactory.create("1102-020007-aaaa0001", "RUNNING", ORG, latest),
        org.apache.spark.sql.RowFactory.create("5555-other-org", "RUNNING", "other", latest));
    spark.createDataFrame(rows, schema).write().format("delta").partitionBy("organization_id")
        .save(store.path(ClustersSnapshotBronze.TARGET));
  }
}
