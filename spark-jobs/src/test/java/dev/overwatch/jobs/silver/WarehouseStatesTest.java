package dev.overwatch.jobs.silver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.overwatch.jobs.TestSpark;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Audit-derived SQL warehouse states ended by the SQL-warehouse job runs on them (decision 1103). */
class WarehouseStatesTest {
  private final SparkSession spark = TestSpark.session();

  @Test
  void auditStatesWithoutStopEndAtTheLastSqlJobRunEnd() {
    Dataset<Row> events = spark.sql("SELECT organization_id, warehouse_id, state, CAST(NULL AS BIGINT) AS cluster_count,"
        + " unix_millis(CAST(ts AS TIMESTAMP)) AS timestamp FROM VALUES"
        // w1: started, never stopped; two SQL job runs end while it runs
        + " ('1', 'w1', 'RUNNING', '2026-11-02 10:00:00'),"
        // w2: stopped after its run: nothing to impute
        + " ('1', 'w2', 'RUNNING', '2026-11-02 10:00:00'), ('1', 'w2', 'STOPPED', '2026-11-02 12:00:00'),"
        // w3: started, run ends, started again (no stop in between), run ends: both states end at their runs
        + " ('1', 'w3', 'RUNNING', '2026-11-02 10:00:00'), ('1', 'w3', 'RUNNING', '2026-11-02 13:00:00'),"
        // w4: its only run ended before it was started: it runs to the window end
        + " ('1', 'w4', 'RUNNING', '2026-11-02 10:00:00')"
        + " AS t(organization_id, warehouse_id, state, ts)");
    Dataset<Row> runs = spark.sql("SELECT org AS organization_id, id AS clusterId, type AS clusterType,"
        + " named_struct('endEpochMS', unix_millis(CAST(e AS TIMESTAMP))) AS TaskExecutionRunTime FROM VALUES"
        + " ('1', 'w1', 'sqlWarehouse', '2026-11-02 10:30:00'), ('1', 'w1', 'sqlWarehouse', '2026-11-02 11:00:00'),"
        + " ('1', 'w1', 'existing', '2026-11-02 11:30:00'), ('1', 'w1', 'sqlWarehouse', CAST(NULL AS STRING)),"
        + " ('2', 'w1', 'sqlWarehouse', '2026-11-02 12:00:00'),"
        + " ('1', 'w2', 'sqlWarehouse', '2026-11-02 11:00:00'),"
        + " ('1', 'w3', 'sqlWarehouse', '2026-11-02 11:00:00'), ('1', 'w3', 'sqlWarehouse', '2026-11-02 14:00:00'),"
        + " ('1', 'w4', 'sqlWarehouse', '2026-11-02 09:00:00')"
        + " AS t(org, id, type, e)");
    long until = Instant.parse("2026-11-02T23:00:00Z").toEpochMilli();
    Dataset<Row> states = WarehouseStateDetailSilver.states(WarehouseStateDetailSilver.imputeJobRunEnds(events, runs),
        null, null, until);
    List<String> got = states.selectExpr("concat_ws('|', warehouse_id, state, isRunning, databricks_billable,"
            + " date_format(timestamp_state_start, 'HH:mm:ss'), date_format(timestamp_state_end, 'HH:mm:ss'),"
            + " current_num_clusters)")
        .orderBy("warehouse_id", "unixTimeMS_state_start").collectAsList().stream().map(r -> r.getString(0)).toList();
    assertEquals(List.of(
        "w1|RUNNING|true|true|10:00:00|10:59:59|1", "w1|TERMINATING_IMPUTED|false|false|11:00:00|23:00:00|0",
        "w2|RUNNING|true|true|10:00:00|11:59:59|1", "w2|STOPPED|false|false|12:00:00|23:00:00|0",
        "w3|RUNNING|true|true|10:00:00|10:59:59|1", "w3|TERMINATING_IMPUTED|false|false|11:00:00|12:59:59|0",
        "w3|RUNNING|true|true|13:00:00|13:59:59|1", "w3|TERMINATING_IMPUTED|false|false|14:00:00|23:00:00|0",
        "w4|RUNNING|true|true|10:00:00|23:00:00|1"), got);
  }
}
