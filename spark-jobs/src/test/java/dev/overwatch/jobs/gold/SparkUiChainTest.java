package dev.overwatch.jobs.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.WorkspaceSpec;
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
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Spark UI chain bronze 1006 -> silver 2003/2005-2008 -> gold 3010-3014/3016 -> views, through the
 * Pipeline with the real registry. Workspace "chain" has hand-written events split over two runs (a job,
 * stage, task, execution and executor start in run 1's window and end in run 2's); workspace "real" has a
 * Spark 4.0.2 log of the quickstart. The stages share tables on purpose, hence the order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkUiChainTest {
  private static final String CHAIN = "org-chain";
  private static final String REAL_APP = "local-1793952000120";
  private static final long T1 = Instant.parse("2026-11-06T09:00:00Z").toEpochMilli();
  private static final long T2 = Instant.parse("2026-11-07T09:00:00Z").toEpochMilli();
  private static final String SNAP1 = "2026-11-06T12:00:00Z";
  // Sub-millisecond, like Instant.now(): the snapshot must not make gold re-read silver's last batch.
  private static final String SNAP2 = "2026-11-07T12:00:00.000500Z";
  private static final List<String> TABLES = List.of("spark_executors_silver", "spark_Executions_silver",
      "spark_jobs_silver", "spark_stages_silver", "spark_tasks_silver", "sparkExecutor_gold", "sparkExecution_gold",
      "sparkJob_gold", "sparkStage_gold", "sparkTask_gold", "sparkStream_gold");
  private static final String SQL_START = "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart";
  private static final String SQL_END = "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd";
  private static final String STREAM = "org.apache.spark.sql.streaming.StreamingQueryListener$";

  private final SparkSession spark = TestSpark.session();
  private final String etl = "chain_etl";
  private final String consumer = "chain_etl_consumer";
  private OverwatchDeployment deployment;
  private Path chainLogs;
  private Map<String, Long> afterRun2;

  @BeforeAll
  void setUp() throws IOException {
    Path dir = TestSpark.newDir("spark-ui-chain");
    chainLogs = Files.createDirectories(dir.resolve("chain-logs"));
    writeLog(chainLogs.resolve("app-chain-1"), run1Events(), "2026-11-06T10:00:00Z");
    Path real = chainLogs.resolve(REAL_APP);
    Files.copy(Path.of("../examples/quickstart/spark-apps/eventlogs/local-1793952000120"), real);
    Files.setLastModifiedTime(real, FileTime.from(Instant.parse("2026-11-06T09:00:00Z")));
    deployment = TestSpark.deployment(dir.resolve("store"), etl);
    deployment.getSpec().primordialDate = "2026-11-05";
    deployment.getSpec().scopes = List.of("sparkEvents");
    deployment.getSpec().workspaces = List.of(workspace("chain", CHAIN, chainLogs));
  }

  @Test
  @Order(1)
  void firstRunBuildsSilverGoldAndViewsWithOpenEntitiesLeftOpen() {
    List<ModuleResult> results = run(SNAP1);
    for (int id : List.of(1006, 2003, 2005, 2006, 2007, 2008, 3010, 3011, 3012, 3013, 3014, 3016)) {
      assertEquals(Outcome.SUCCESS, result(results, "chain", id).outcome(), () -> "module " + id + ": " + results);
    }

    // Real Spark 4 log: every entity once (counts = start events in the file), all closed.
    String real = "spark_context_id = '" + REAL_APP + "'";
    assertEquals(List.of(4L, 7L, 23L, 5L, 1L, 0L), List.of(count("sparkJob_gold", real), count("sparkStage_gold", real),
        count("sparkTask_gold", real), count("sparkExecution_gold", real), count("sparkExecutor_gold", real),
        count("sparkStream_gold", real)));
    assertEquals(0, count("sparkJob_gold", real + " AND (job_runtime.endEpochMS IS NULL OR job_result.Result IS NULL)"));
    assertEquals(0, count("sparkTask_gold", real + " AND (task_runtime.runTimeMS IS NULL "
        + "OR task_metrics.ExecutorRunTime IS NULL OR task_info.Accumulables IS NULL)"));
    assertEquals(0, count("sparkStage_gold", real + " AND (stage_runtime.endEpochMS IS NULL "
        + "OR stage_info.NumberofTasks IS NULL)"));
    assertEquals(0, count("sparkExecution_gold", real + " AND sql_execution_runtime.endEpochMS IS NULL"));

    // Hand-written workspace after run 1.
    assertEquals(counts(2, 3, 2, 3, 3), silverCounts("ctx-1"));
    assertEquals(List.of("0|true", "1|false"), rows("SELECT job_id, job_runtime.endEpochMS IS NOT NULL FROM "
        + consumer + ".sparkjob WHERE spark_context_id = 'ctx-1' ORDER BY job_id"));
    assertEquals(List.of("0|0|Task failed: boom|true", "0|1|null|true", "1|0|null|false"),
        rows("SELECT stage_id, stage_attempt_id, stage_info.FailureReason, stage_runtime.endEpochMS IS NOT NULL FROM "
            + consumer + ".sparkstage WHERE spark_context_id = 'ctx-1' ORDER BY stage_id, stage_attempt_id"));
    assertEquals(List.of("0|0|true|ExceptionFailure", "1|0|true|Success", "2|0|false|null"),
        rows("SELECT task_id, task_attempt_id, task_runtime.endEpochMS IS NOT NULL, task_end_reason.Reason FROM "
            + consumer + ".sparktask WHERE spark_context_id = 'ctx-1' ORDER BY task_id"));
    assertEquals(List.of("1|null|true", "2|idle|false"), rows("SELECT executor_id, removed_reason, "
        + "executor_alivetime.RemovedEpochMS IS NULL FROM " + consumer + ".sparkexecutor WHERE spark_context_id = 'ctx-1' "
        + "ORDER BY executor_id"));
    assertEquals(List.of("0|true", "1|false", "2|true"), rows("SELECT execution_id, sql_execution_runtime.endTS IS NOT "
        + "NULL FROM " + consumer + ".sparkexecution WHERE spark_context_id = 'ctx-1' ORDER BY execution_id"));
    // sparkJob imputation: user from the job group, Databricks job/run ids parsed from it, cluster and notebook.
    assertEquals(List.of("0|ann@example.com|77|88|0601-cl|/Users/ann/nb|ctx-1", "1|ann@example.com|77|88|0601-cl|null|ctx-1"),
        rows("SELECT job_id, user_email, db_job_id, db_id_in_job, cluster_id, notebook_path, spark_context_id FROM "
            + consumer + ".sparkjob WHERE spark_context_id = 'ctx-1' ORDER BY job_id"));
    assertEquals(List.of("job-77-run-88-action-9"), rows("SELECT DISTINCT jobGroupAr FROM " + etl + ".sparkJob_gold"
        + " WHERE spark_context_id = 'ctx-1'"));
    // Streams: the start (batch -1) and one progress with its SQL execution; termination ignored.
    assertEquals(List.of("-1|Started|counts|null|null", "0|Progressed|counts|[2]|3"),
        rows("SELECT stream_batch_id, streamSegment, stream_name, execution_ids, streaming_metrics.numInputRows FROM "
            + consumer + ".sparkstream WHERE spark_context_id = 'ctx-1' ORDER BY stream_batch_id"));
    assertEquals(List.of("null|{\"description\":\"memory\"}"), rows("SELECT streaming_metrics.stateOperators, "
        + "streaming_metrics.sink FROM " + etl + ".sparkStream_gold WHERE stream_batch_id = 0"));

    // Every view: the exact column list of presentation.md 3.9-3.14.
    assertEquals(SparkJobGold.VIEW.columns().stream().map(c -> c.name()).toList(),
        List.of(spark.table(consumer + ".sparkjob").columns()));
    assertEquals(List.of("organization_id", "workspace_name", "spark_context_id", "job_id", "job_group_id",
        "execution_id", "stage_ids", "cluster_id", "notebook_id", "notebook_path", "db_job_id", "db_id_in_job",
        "db_job_type", "unixTimeMS", "timestamp", "date", "job_runtime", "job_result", "event_log_start",
        "event_log_end", "user_email"), List.of(spark.table(consumer + ".sparkjob").columns()));
    assertEquals(List.of("organization_id", "workspace_name", "spark_context_id", "stage_id", "stage_attempt_id",
        "cluster_id", "unixTimeMS", "timestamp", "date", "stage_runtime", "stage_info", "event_log_start",
        "event_log_end"), List.of(spark.table(consumer + ".sparkstage").columns()));
    assertEquals(List.of("organization_id", "workspace_name", "spark_context_id", "task_id", "task_attempt_id",
        "stage_id", "stage_attempt_id", "cluster_id", "executor_id", "host", "unixTimeMS", "timestamp", "date",
        "task_runtime", "task_metrics", "task_info", "task_type", "task_end_reason", "event_log_start",
        "event_log_end"), List.of(spark.table(consumer + ".sparktask").columns()));
    assertEquals(List.of("organization_id", "workspace_name", "spark_context_id", "execution_id", "cluster_id",
        "description", "details", "unixTimeMS", "timestamp", "date", "sql_execution_runtime", "event_log_start",
        "event_log_end"), List.of(spark.table(consumer + ".sparkexecution").columns()));
    assertEquals(List.of("organization_id", "workspace_name", "spark_context_id", "executor_id", "cluster_id",
        "executor_info", "removed_reason", "executor_alivetime", "unixTimeMS", "timestamp", "date",
        "event_log_start", "event_log_end"), List.of(spark.table(consumer + ".sparkexecutor").columns()));
    assertEquals(List.of("organization_id", "workspace_name", "spark_context_id", "cluster_id", "stream_id",
        "stream_run_id", "stream_batch_id", "stream_timestamp", "date", "streamSegment", "stream_name",
        "streaming_metrics", "execution_ids"), List.of(spark.table(consumer + ".sparkstream").columns()));
  }

  @Test
  @Order(2)
  void laterRunClosesWhatStartedInTheFirstWindowWithoutDuplicates() throws IOException {
    writeLog(chainLogs.resolve("app-chain-2"), run2Events(), "2026-11-07T10:00:00Z");
    List<ModuleResult> results = run(SNAP2);
    for (int id : List.of(1006, 2003, 2005, 2006, 2007, 2008, 3010, 3011, 3012, 3013, 3014)) {
      assertEquals(Outcome.SUCCESS, result(results, "chain", id).outcome(), () -> "module " + id + ": " + results);
    }
    assertEquals(counts(2, 3, 2, 3, 3), silverCounts("ctx-1"), "closed in place, one row per entity");
    assertEquals(List.of("0|true", "1|true"), rows("SELECT job_id, job_runtime.endEpochMS IS NOT NULL FROM "
        + consumer + ".sparkjob WHERE spark_context_id = 'ctx-1' ORDER BY job_id"));
    assertEquals(List.of((T2 + 200) + "|" + (T2 + 200 - T1 - 3000) + "|JobSucceeded|" + (T1 + 3000) / 1000 * 1000),
        rows("SELECT job_runtime.endEpochMS, job_runtime.runTimeMS, job_result.Result, unix_millis(timestamp) FROM "
            + consumer + ".sparkjob WHERE spark_context_id = 'ctx-1' AND job_id = 1"));
    assertEquals(List.of("1|0|true|" + (T2 + 100)), rows("SELECT stage_id, stage_attempt_id, stage_runtime.endEpochMS "
        + "IS NOT NULL, stage_info.CompletionTime FROM " + consumer + ".sparkstage WHERE spark_context_id = 'ctx-1' "
        + "AND stage_id = 1"));
    assertEquals(List.of("2|Success|" + T2), rows("SELECT task_id, task_end_reason.Reason, task_info.FinishTime FROM "
        + consumer + ".sparktask WHERE spark_context_id = 'ctx-1' AND task_id = 2"));
    assertEquals(List.of("1|cluster shutdown|" + (T2 + 400 - T1)), rows("SELECT executor_id, removed_reason, "
        + "executor_alivetime.uptimeMS FROM " + consumer + ".sparkexecutor WHERE spark_context_id = 'ctx-1' "
        + "AND executor_id = '1'"));
    assertEquals(List.of("1|" + (T2 + 300)), rows("SELECT execution_id, sql_execution_runtime.endEpochMS FROM "
        + consumer + ".sparkexecution WHERE spark_context_id = 'ctx-1' AND execution_id = 1"));
    assertEquals(2, count("sparkStream_gold", "true"));
    afterRun2 = allCounts();
    // Both applications: gold mirrors silver, one row per entity.
    assertEquals(List.of(3L, 8L, 6L, 10L, 26L, 3L, 8L, 6L, 10L, 26L, 2L), TABLES.stream()
        .map(t -> afterRun2.get(t + "/" + CHAIN)).toList());
  }

  @Test
  @Order(3)
  void rerunOfTheSameSnapshotChangesNoRow() {
    List<ModuleResult> results = run(SNAP2);
    for (int id : List.of(2003, 2005, 2006, 2007, 2008, 3010, 3011, 3012, 3013, 3014, 3016)) {
      assertEquals(Outcome.EMPTY, result(results, "chain", id).outcome(), () -> "module " + id + ": " + results);
    }
    assertEquals(afterRun2, allCounts());
  }

  @Test
  @Order(4)
  void laterRunWithoutNewLogsWritesNothing() {
    List<ModuleResult> results = run("2026-11-08T12:00:00.000700Z");
    for (int id : List.of(2003, 2005, 2006, 2007, 2008, 3010, 3011, 3012, 3013, 3014, 3016)) {
      assertEquals(0, result(results, "chain", id).rows(), () -> "module " + id + " re-read old rows: " + results);
    }
    assertEquals(afterRun2, allCounts());
  }

  // ------------------------------------------------------------------ helpers

  private List<ModuleResult> run(String snapshot) {
    RunSettings settings = new RunSettings(deployment, RunSettings.newRunId(), Instant.parse(snapshot),
        List.of(Layer.BRONZE, Layer.SILVER, Layer.GOLD, Layer.PRESENTATION), Set.of(), Set.of(), Set.of(),
        FaultInjection.none());
    return new Pipeline(spark, Modules.all(), r -> { }).run(settings);
  }

  private static ModuleResult result(List<ModuleResult> results, String workspace, int module) {
    return results.stream().filter(r -> r.workspace().equals(workspace) && r.moduleId() == module).findFirst()
        .orElseThrow(() -> new AssertionError("no result for " + workspace + "/" + module + " in " + results));
  }

  private long count(String table, String where) {
    return spark.sql("SELECT count(*) FROM " + etl + "." + table + " WHERE organization_id = '" + CHAIN + "' AND ("
        + where + ")").first().getLong(0);
  }

  private List<Long> silverCounts(String sparkContextId) {
    return TABLES.subList(0, 5).stream().map(t -> count(t, "SparkContextID = '" + sparkContextId + "'")).toList();
  }

  private static List<Long> counts(long... n) {
    List<Long> out = new ArrayList<>();
    for (long x : n) {
      out.add(x);
    }
    return out;
  }

  private Map<String, Long> allCounts() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String t : TABLES) {
      for (Row r : spark.sql("SELECT organization_id, count(*) FROM " + etl + "." + t + " GROUP BY organization_id")
          .collectAsList()) {
        out.put(t + "/" + r.getString(0), r.getLong(1));
      }
    }
    return out;
  }

  private List<String> rows(String sql) {
    return spark.sql(sql).collectAsList().stream().map(r -> {
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < r.length(); i++) {
        Object v = r.get(i);
        cells.add(v instanceof scala.collection.Seq<?> s ? scala.jdk.javaapi.CollectionConverters.asJava(s).toString()
            : String.valueOf(v));
      }
      return String.join("|", cells);
    }).toList();
  }

  private static WorkspaceSpec workspace(String name, String org, Path logs) {
    WorkspaceSpec ws = new WorkspaceSpec();
    ws.name = name;
    ws.organizationId = org;
    ws.sparkEventLogPaths = List.of(logs.toString());
    return ws;
  }

  private static void writeLog(Path file, List<String> lines, String mtime) throws IOException {
    Files.write(file, lines);
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse(mtime)));
  }

  // ------------------------------------------------------------------ events

  private static final String ENV = "{\"Event\":\"SparkListenerEnvironmentUpdate\",\"Spark Properties\":{"
      + "\"spark.databricks.sparkContextId\":\"ctx-1\",\"spark.databricks.clusterUsageTags.clusterId\":\"0601-cl\"}}";
  /** Real logs mix numbers and strings in Value/Update, so Spark infers strings; empty lists would be array<string>. */
  private static final String ACCUMULABLE = "{\"ID\":1,\"Name\":\"internal.metrics.executorRunTime\","
      + "\"Update\":\"400\",\"Value\":\"400\",\"Internal\":true,\"Count Failed Values\":true}";
  private static final String JOB_GROUP = "111_222_job-77-run-88-action-9";

  private static List<String> run1Events() {
    long t = T1;
    return List.of(
        "{\"Event\":\"SparkListenerLogStart\",\"Spark Version\":\"4.0.2\"}",
        ENV,
        "{\"Event\":\"SparkListenerApplicationStart\",\"App Name\":\"chain\",\"App ID\":\"app-chain\",\"Timestamp\":" + t + "}",
        executorAdded("1", t), executorAdded("2", t),
        "{\"Event\":\"SparkListenerExecutorRemoved\",\"Timestamp\":" + (t + 50_000) + ",\"Executor ID\":\"2\",\"Removed Reason\":\"idle\"}",
        sqlStart(0, "select 1", t + 1000),
        jobStart(0, t + 1000, "\"user\":\"ann@example.com\",\"spark.databricks.notebook.path\":\"/Users/ann/nb\","),
        stageSubmitted(0, 0, t + 1100),
        taskStart(0, 0, 0, t + 1200),
        taskEnd(0, 0, 0, t + 1200, t + 1700, "{\"Reason\":\"ExceptionFailure\",\"Class Name\":\"java.lang.RuntimeException\",\"Description\":\"boom\"}", true),
        stageCompleted(0, 0, t + 1100, t + 1800, ",\"Failure Reason\":\"Task failed: boom\""),
        stageSubmitted(0, 1, t + 2000),
        taskStart(0, 1, 1, t + 2100),
        taskEnd(0, 1, 1, t + 2100, t + 2500, "{\"Reason\":\"Success\"}", false),
        stageCompleted(0, 1, t + 2000, t + 2600, ""),
        jobEnd(0, t + 2700),
        sqlEnd(0, t + 2800),
        sqlStart(1, "long query", t + 3000),
        jobStart(1, t + 3000, ""),
        stageSubmitted(1, 0, t + 3100),
        taskStart(1, 0, 2, t + 3200),
        "{\"Event\":\"" + STREAM + "QueryStartedEvent\",\"id\":\"s-1\",\"runId\":\"r-1\",\"name\":\"counts\","
            + "\"timestamp\":\"2026-11-06T09:00:05.000Z\"}",
        sqlStart(2, "counts\\nid = s-1\\nrunId = r-1\\nbatch = 0", t + 6000),
        sqlEnd(2, t + 6500),
        "{\"Event\":\"" + STREAM + "QueryProgressEvent\",\"progress\":{\"id\":\"s-1\",\"runId\":\"r-1\",\"name\":\"counts\","
            + "\"timestamp\":\"2026-11-06T09:00:06.000Z\",\"batchId\":0,\"batchDuration\":700,\"numInputRows\":3,"
            + "\"durationMs\":{\"addBatch\":500},\"eventTime\":{},\"stateOperators\":[],\"sources\":[{\"description\":\"rate\"}],"
            + "\"sink\":{\"description\":\"memory\"},\"observedMetrics\":{}}}",
        "{\"Event\":\"" + STREAM + "QueryTerminatedEvent\",\"id\":\"s-1\",\"runId\":\"r-1\",\"exception\":null,"
            + "\"timestamp\":\"2026-11-06T09:00:09.000Z\"}");
  }

  private static List<String> run2Events() {
    long t = T2;
    return List.of(ENV,
        // Only empty Accumulables lists in this batch (inferred as array<string>): must still fit the table.
        taskEnd(1, 0, 2, T1 + 3200, t, "{\"Reason\":\"Success\"}", false).replace(ACCUMULABLE, ""),
        stageCompleted(1, 0, T1 + 3100, t + 100, "").replace(ACCUMULABLE, ""),
        jobEnd(1, t + 200),
        sqlEnd(1, t + 300),
        "{\"Event\":\"SparkListenerExecutorRemoved\",\"Timestamp\":" + (t + 400) + ",\"Executor ID\":\"1\","
            + "\"Removed Reason\":\"cluster shutdown\"}",
        "{\"Event\":\"SparkListenerApplicationEnd\",\"Timestamp\":" + (t + 500) + "}");
  }

  private static String executorAdded(String id, long t) {
    return "{\"Event\":\"SparkListenerExecutorAdded\",\"Timestamp\":" + t + ",\"Executor ID\":\"" + id
        + "\",\"Executor Info\":{\"Host\":\"10.0.0." + id + "\",\"Total Cores\":4,\"Log Urls\":{}}}";
  }

  private static String sqlStart(int id, String description, long t) {
    return "{\"Event\":\"" + SQL_START + "\",\"executionId\":" + id + ",\"description\":\"" + description
        + "\",\"details\":\"at Chain.scala\",\"physicalPlanDescription\":\"plan\",\"time\":" + t + "}";
  }

  private static String sqlEnd(int id, long t) {
    return "{\"Event\":\"" + SQL_END + "\",\"executionId\":" + id + ",\"time\":" + t + "}";
  }

  private static String jobStart(int id, long t, String extraProps) {
    return "{\"Event\":\"SparkListenerJobStart\",\"Job ID\":" + id + ",\"Submission Time\":" + t
        + ",\"Stage Infos\":[],\"Stage IDs\":[" + id + "],\"Properties\":{" + extraProps
        + "\"spark.jobGroup.id\":\"" + JOB_GROUP + "\",\"spark.sql.execution.id\":\"" + id + "\"}}";
  }

  private static String jobEnd(int id, long t) {
    return "{\"Event\":\"SparkListenerJobEnd\",\"Job ID\":" + id + ",\"Completion Time\":" + t
        + ",\"Job Result\":{\"Result\":\"JobSucceeded\"}}";
  }

  private static String stageInfo(int stage, int attempt, long submitted, String more) {
    return "{\"Stage ID\":" + stage + ",\"Stage Attempt ID\":" + attempt + ",\"Stage Name\":\"count\","
        + "\"Number of Tasks\":1,\"Parent IDs\":[],\"Details\":\"details" + stage + "\","
        + "\"Submission Time\":" + submitted + ",\"Accumulables\":[" + ACCUMULABLE + "]" + more + "}";
  }

  private static String stageSubmitted(int stage, int attempt, long t) {
    return "{\"Event\":\"SparkListenerStageSubmitted\",\"Stage Info\":" + stageInfo(stage, attempt, t, "") + "}";
  }

  private static String stageCompleted(int stage, int attempt, long submitted, long completed, String more) {
    return "{\"Event\":\"SparkListenerStageCompleted\",\"Stage Info\":"
        + stageInfo(stage, attempt, submitted, ",\"Completion Time\":" + completed + more) + "}";
  }

  private static String taskInfo(int task, long launch, long finish, boolean failed) {
    return "{\"Task ID\":" + task + ",\"Index\":0,\"Attempt\":0,\"Partition ID\":0,\"Launch Time\":" + launch
        + ",\"Executor ID\":\"1\",\"Host\":\"10.0.0.1\",\"Locality\":\"PROCESS_LOCAL\",\"Speculative\":false,"
        + "\"Getting Result Time\":0,\"Finish Time\":" + finish + ",\"Failed\":" + failed
        + ",\"Killed\":false,\"Accumulables\":[" + ACCUMULABLE + "]}";
  }

  private static String taskStart(int stage, int attempt, int task, long launch) {
    return "{\"Event\":\"SparkListenerTaskStart\",\"Stage ID\":" + stage + ",\"Stage Attempt ID\":" + attempt
        + ",\"Task Info\":" + taskInfo(task, launch, 0, false) + "}";
  }

  private static String taskEnd(int stage, int attempt, int task, long launch, long finish, String reason,
      boolean failed) {
    return "{\"Event\":\"SparkListenerTaskEnd\",\"Stage ID\":" + stage + ",\"Stage Attempt ID\":" + attempt
        + ",\"Task Type\":\"ResultTask\",\"Task End Reason\":" + reason + ",\"Task Info\":"
        + taskInfo(task, launch, finish, failed) + ",\"Task Executor Metrics\":{\"JVMHeapMemory\":1},"
        + "\"Task Metrics\":{\"Executor Run Time\":400,\"Executor CPU Time\":300}}";
  }
}
