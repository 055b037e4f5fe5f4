package dev.overwatch.jobs.silver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.overwatch.jobs.TestSpark;
import dev.overwatch.jobs.bronze.AuditLogBronze;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * jobrun_silver assembly (modules.md 2011, decision 64) on hand-written audit records, one Spark action: a
 * multi-task run with a failed task repaired, a cancelled run (one task finished before the cancel), a run whose
 * launch event is outside the look-back, a SQL-warehouse task and a launch that never started.
 */
class JobRunSilverTest {
  private final SparkSession spark = TestSpark.session();
  private final List<String> lines = new ArrayList<>();

  @Test
  void tasksRepairsCancelsAndMissingLaunches() {
    // job 10, run 1000: task a on an all-purpose cluster, task b on a job cluster fails and is repaired (repair 77)
    audit(1_000, "runNow", "\"job_id\":10", "{\"run_id\":1000}");
    task(2_000, "runStart", 10, 1001, 1000, "a", "existing", "c-1", null, null);
    task(3_000, "runStart", 10, 1002, 1000, "b", "job_cluster", "jc-1", null, null);
    task(60_000, "runSucceeded", 10, 1001, 1000, "a", "existing", null, null, "Succeeded");
    task(70_000, "runFailed", 10, 1002, 1000, "b", "job_cluster", null, null, "Failed");
    audit(80_000, "repairRun", "\"run_id\":1000,\"rerun_tasks\":\"[\\\"b\\\"]\"", "{\"repair_id\":77}");
    task(90_000, "runStart", 10, 1003, 1000, "b", "job_cluster", "jc-2", 77L, null);
    task(150_000, "runSucceeded", 10, 1003, 1000, "b", "job_cluster", null, 77L, "Succeeded");
    // job 20, run 2000 (cron): task x ends before the cancel, task y is cancelled
    audit(200_000, "runTriggered", "\"jobId\":20,\"runId\":2000,\"jobTriggerType\":\"cron\"", null);
    task(201_000, "runStart", 20, 2001, 2000, "x", "existing", "c-1", null, null);
    task(202_000, "runStart", 20, 2002, 2000, "y", "existing", "c-1", null, null);
    task(240_000, "runSucceeded", 20, 2001, 2000, "x", "existing", null, null, "Succeeded");
    audit(250_000, "cancel", "\"run_id\":2000", null);
    task(252_000, "runFailed", 20, 2002, 2000, "y", "existing", null, null, "Failed");
    // a run whose launch is older than the look-back: its start and end are enough
    task(300_000, "runStart", 30, 3001, 3000, "z", "job_cluster", "jc-3", null, null);
    task(330_000, "runSucceeded", 30, 3001, 3000, "z", "job_cluster", null, null, "Succeeded");
    // a one-time SQL task: runs on its warehouse
    audit(400_000, "submitRun", "\"run_name\":\"kpis\",\"tasks\":\"[{\\\"task_key\\\":\\\"k\\\",\\\"sql_task\\\":"
        + "{\\\"warehouse_id\\\":\\\"wh-9\\\"}}]\"", "{\"run_id\":4000}");
    task(401_000, "runStart", 40, 4001, 4000, "k", null, null, null, null);
    task(420_000, "runSucceeded", 40, 4001, 4000, "k", null, null, null, "Succeeded");
    // launched, never started, never cancelled: not a run yet
    audit(500_000, "runNow", "\"job_id\":50", "{\"run_id\":5000}");

    Dataset<Row> bronze = spark.read().schema(AuditLogBronze.MASTER_SCHEMA)
        .json(spark.createDataset(lines, Encoders.STRING()));
    Dataset<Row> base = JobsAudit.flatten(bronze, JobRunSilver.ACTIONS);
    Map<Long, Row> runs = new HashMap<>();
    JobRunSilver.runs(base, null, null, null).collectAsList().forEach(r -> runs.put(r.<Long>getAs("runId"), r));

    assertEquals(List.of(1001L, 1002L, 1003L, 2001L, 2002L, 3001L, 4001L), runs.keySet().stream().sorted().toList());
    Row a = runs.get(1001L);
    assertEquals("manual", a.getAs("jobTriggerType"));
    assertEquals(1000L, a.<Long>getAs("jobRunId"));
    assertEquals("existing", a.getAs("clusterType"));
    assertEquals(58_000L, a.<Row>getAs("TaskRunTime").<Long>getAs("runTimeMS"));
    assertEquals("Failed", runs.get(1002L).getAs("terminalState"));
    Row repaired = runs.get(1003L);
    assertEquals(77L, repaired.<Long>getAs("repairId"));
    assertEquals(1, repaired.getList(repaired.fieldIndex("repair_details")).size());
    assertEquals("jc-2", repaired.getAs("clusterId"));
    assertEquals("Succeeded", runs.get(2001L).getAs("terminalState"), "finished before the cancel");
    assertEquals(240_000L, runs.get(2001L).<Row>getAs("TaskRunTime").<Long>getAs("endEpochMS"));
    assertEquals("Cancelled", runs.get(2002L).getAs("terminalState"));
    assertEquals("cron", runs.get(2002L).getAs("jobTriggerType"));
    assertEquals(252_000L, runs.get(2002L).<Row>getAs("TaskRunTime").<Long>getAs("endEpochMS"));
    assertEquals(300_000L, runs.get(3001L).<Long>getAs("startEpochMS"));
    Row sql = runs.get(4001L);
    assertEquals("sqlWarehouse", sql.getAs("clusterType"));
    assertEquals("wh-9", sql.getAs("clusterId"));
    assertEquals("kpis", sql.getAs("jobName"), "one-time runs are named after the run");
    assertNull(runs.get(3001L).getAs("jobName"));
  }

  private void task(long t, String action, long jobId, long runId, long parent, String key, String clusterType,
      String clusterId, Long repairId, String terminal) {
    // typed as in audit_log_bronze (jobId, runId: long; the others strings)
    StringBuilder p = new StringBuilder("\"jobId\":" + jobId + ",\"runId\":" + runId
        + ",\"multitaskParentRunId\":\"" + parent + "\",\"taskKey\":\"" + key + "\",\"taskDependencies\":\"[]\"");
    if (clusterType != null) {
      p.append(",\"jobClusterType\":\"").append(clusterType).append('"');
    }
    if (clusterId != null) {
      p.append(",\"clusterId\":\"").append(clusterId).append('"');
    }
    if (repairId != null) {
      p.append(",\"repairId\":\"").append(repairId).append('"');
    }
    if (terminal != null) {
      p.append(",\"jobTerminalState\":\"").append(terminal).append('"');
    }
    audit(t, action, p.toString(), null);
  }

  private void audit(long t, String action, String params, String result) {
    lines.add("{\"organization_id\":\"org\",\"serviceName\":\"jobs\",\"actionName\":\"" + action + "\",\"timestamp\":"
        + t + ",\"requestId\":\"r" + lines.size() + "\",\"hashKey\":" + lines.size() + ",\"userIdentity\":{\"email\":"
        + "\"alice@example.com\"},\"requestParams\":{" + params + "},\"response\":{\"statusCode\":200,\"result\":"
        + (result == null ? "null" : "\"" + result.replace("\"", "\\\"") + "\"") + "}}");
  }
}
