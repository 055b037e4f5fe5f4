package dev.overwatch.jobs.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.jobs.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * 3019's estimated cost (costs.md 6, decision 303) over hand-made clusterStateFact states: a command's cost is its
 * share of the cluster's DBU cost while it ran. Expected figures are computed here from the inputs: a state's
 * total_DBU_cost spread evenly over its length (end - start ms), a slice shared equally by the commands running in
 * it. Commands that cannot be costed get a null and the reason.
 */
class NotebookCommandsCostTest {
  private static final long T = 1_759_651_200_000L; // 2025-10-05T08:00:00Z
  private static final long HOUR = 3_600_000L;
  private final SparkSession spark = TestSpark.session();

  @Test
  void commandCostIsItsShareOfTheClusterCostWhileItRan() {
    // Cluster c-1: state 1 [T, T+1h] costs 3.6, state 2 [T+1h+1, T+2h] costs 7.2 (ends 1 ms before the next start).
    // Cluster c-3: a state whose cost is unknown (no price).
    Dataset<Row> states = spark.sql("SELECT * FROM VALUES "
        + state("c-1", T, T + HOUR, "3.6", "RUNNING") + ", "
        + state("c-1", T + HOUR + 1, T + 2 * HOUR, "7.2", "RUNNING") + ", "
        + state("c-3", T, T + HOUR, "null", "RUNNING")
        + " AS s(organization_id, cluster_id, unixTimeMS_state_start, unixTimeMS_state_end, total_DBU_cost, "
        + "cost_null_reason, cluster_name, custom_tags, node_type_id, current_num_workers, state)");
    Dataset<Row> audit = spark.sql("SELECT * FROM VALUES "
        + command("x", "c-1", T + 600_000, "600") + ", "           // alone, then with y, then alone
        + command("y", "c-1", T + 900_000, "120") + ", "           // inside x
        + command("z", "c-1", T + HOUR - 100_000, "200") + ", "    // across the two states
        + command("k", "c-1", T - 100_000, "200") + ", "           // starts before the first known state
        + command("w", "c-2", T + 600_000, "10") + ", "            // cluster without states
        + command("u", "c-3", T + 600_000, "10") + ", "            // state without cost
        + command("v", null, T + 600_000, "10") + ", "             // no cluster
        + command("e", "c-1", T + 7_000_000, "0")                  // no time: no cost
        + " AS a(organization_id, serviceName, actionName, requestParams, sourceIPAddress, userIdentity, response, "
        + "userAgent, timestamp, hashKey)");
    Dataset<Row> notebooks = spark.sql("SELECT * FROM VALUES "
        + "('42', 'nb-1', " + (T - HOUR) + "L, '/Users/a/etl', 'etl', CAST(NULL AS STRING), CAST(NULL AS STRING), "
        + "CAST(NULL AS STRING)) AS n(organization_id, notebook_id, unixTimeMS, notebook_path, notebook_name, "
        + "new_name, new_path, parent_path)");

    Map<String, Row> byCommand = new TreeMap<>();
    for (Row r : NotebookCommandsGold.commands(audit, notebooks, states).collectAsList()) {
      byCommand.put(r.getString(r.fieldIndex("command_id")), r);
    }
    assertEquals(8, byCommand.size(), byCommand.toString());

    double perMs1 = 3.6 / HOUR;
    double perMs2 = 7.2 / (HOUR - 1);
    // x runs 600 s; y's 120 s lie inside it and are shared half and half.
    assertEquals(perMs1 * (600_000 - 120_000) + perMs1 * 120_000 / 2, cost(byCommand, "x"), 1e-9);
    assertEquals(perMs1 * 120_000 / 2, cost(byCommand, "y"), 1e-9);
    assertEquals(perMs1 * 600_000, cost(byCommand, "x") + cost(byCommand, "y"), 1e-9,
        "two commands together cost what the cluster cost while they ran");
    // z: 100 000 ms of state 1 (it ends 1 ms before state 2 starts), then 99 999 ms of state 2.
    assertEquals(perMs1 * 100_000 + perMs2 * 99_999, cost(byCommand, "z"), 1e-9);
    assertEquals(0.0, cost(byCommand, "e"), 0.0);
    assertNull(byCommand.get("e").getAs("cost_reason"));

    assertReason(byCommand, "k", "clusterStateFact states of cluster c-1 cover only part of the command");
    assertReason(byCommand, "w", "no clusterStateFact state of cluster c-2 while the command ran");
    assertReason(byCommand, "u", "cluster state not costed: no price");
    assertReason(byCommand, "v", "no cluster id (ran on a SQL warehouse or serverless compute)");

    // The cluster as it was when the command started, and the notebook's path and name as of the command.
    Row x = byCommand.get("x");
    assertEquals(List.of("etl-cluster", "{\"team\":\"data\"}", "i3.xlarge", 2L, "/Users/a/etl", "etl", 600.0),
        values(x, "cluster_name", "custom_tags", "node_type_id", "node_count", "notebook_path", "notebook_name",
            "execution_time_s"));
    assertEquals(T + 600_000, (long) x.getAs("unixTimeMS"), "keyed on the command's own time (decision 303)");
    assertTrue(x.getAs("timestamp").toString().startsWith("2025-10-05 08:10:00"), x.toString());
  }

  /**
   * A busy interactive cluster (400 overlapping commands over 48 half-hour states): the plan has no cartesian or
   * nested-loop join (each range join also matches on the hour), and the commands' costs add up to what the
   * cluster cost while any of them ran.
   */
  @Test
  void busyClusterCostsAddUpWithoutACartesianPlan() {
    long stateMs = 1_800_000L;
    Dataset<Row> states = spark.range(48).selectExpr("'42' AS organization_id", "'busy' AS cluster_id",
        T + "L + id * " + stateMs + "L AS unixTimeMS_state_start",
        T + "L + (id + 1) * " + stateMs + "L - 1 AS unixTimeMS_state_end", "1.0 + id * 0.01 AS total_DBU_cost",
        "CAST(NULL AS STRING) AS cost_null_reason", "'busy-cluster' AS cluster_name", "map('team', 'bi') AS custom_tags",
        "'i3.xlarge' AS node_type_id", "4 AS current_num_workers", "'RUNNING' AS state");
    // Command i starts at T + 210 s * i and runs 600 s: up to three run at once, their union is one span.
    Dataset<Row> audit = spark.range(400).selectExpr("'42' AS organization_id", "'notebook' AS serviceName",
        "'runCommand' AS actionName", "named_struct('notebookId', 'nb-1', 'clusterId', 'busy', 'commandId', concat('b', id),"
            + " 'commandText', 'select 1', 'executionTime', '600', 'status', 'finished') AS requestParams",
        "'10.0.0.1' AS sourceIPAddress", "named_struct('email', 'a@example.com') AS userIdentity",
        "named_struct('errorMessage', CAST(NULL AS STRING), 'result', CAST(NULL AS STRING), 'statusCode', 200L) AS response",
        "'browser' AS userAgent", T + "L + id * 210000L AS timestamp", "xxhash64(id) AS hashKey");
    Dataset<Row> notebooks = spark.sql("SELECT '42' AS organization_id, 'nb-1' AS notebook_id, " + (T - HOUR)
        + "L AS unixTimeMS, '/Users/a/etl' AS notebook_path, 'etl' AS notebook_name, CAST(NULL AS STRING) AS new_name,"
        + " CAST(NULL AS STRING) AS new_path, CAST(NULL AS STRING) AS parent_path");
    Dataset<Row> commands = NotebookCommandsGold.commands(audit, notebooks, states);
    String plan = commands.queryExecution().executedPlan().toString();
    assertTrue(!plan.contains("CartesianProduct") && !plan.contains("NestedLoopJoin"), plan);
    Row total = commands.selectExpr("sum(estimated_dbu_cost)", "count(cost_reason)", "count(*)").first();
    long u0 = T;
    long u1 = T + 399 * 210_000L + 600_000L;
    double expected = 0;
    for (int k = 0; k < 48; k++) {
      long s0 = T + k * stateMs;
      long s1 = s0 + stateMs - 1;
      if (s0 < u1) {
        expected += (1.0 + k * 0.01) * (Math.min(u1, s1) - Math.max(u0, s0)) / (double) (s1 - s0);
      }
    }
    assertEquals(400L, total.getLong(2));
    assertEquals(0L, total.getLong(1), "every command costed");
    assertEquals(expected, total.getDouble(0), 1e-9);
  }

  private static String state(String cluster, long start, long end, String cost, String state) {
    String reason = cost.equals("null") ? "'no price'" : "CAST(NULL AS STRING)";
    return "('42', '" + cluster + "', " + start + "L, " + end + "L, CAST(" + cost + " AS DOUBLE), " + reason
        + ", 'etl-cluster', map('team', 'data'), 'i3.xlarge', 2, '" + state + "')";
  }

  private static String command(String id, String cluster, long ts, String seconds) {
    String params = "named_struct('notebookId', 'nb-1', 'clusterId', " + (cluster == null ? "CAST(NULL AS STRING)"
        : "'" + cluster + "'") + ", 'commandId', '" + id + "', 'commandText', 'select 1', 'executionTime', '"
        + seconds + "', 'status', 'finished')";
    return "('42', 'notebook', 'runCommand', " + params + ", '10.0.0.1', named_struct('email', 'a@example.com'), "
        + "named_struct('errorMessage', CAST(NULL AS STRING), 'result', CAST(NULL AS STRING), 'statusCode', 200L), "
        + "'browser', " + ts + "L, xxhash64('" + id + "'))";
  }

  private static double cost(Map<String, Row> rows, String command) {
    Row r = rows.get(command);
    assertTrue(r.getAs("estimated_dbu_cost") != null, "cost of " + command + ": " + r);
    return r.getAs("estimated_dbu_cost");
  }

  private static void assertReason(Map<String, Row> rows, String command, String reason) {
    Row r = rows.get(command);
    assertNull(r.getAs("estimated_dbu_cost"), r.toString());
    assertEquals(reason, r.getAs("cost_reason"));
  }

  private static List<Object> values(Row r, String... columns) {
    List<Object> out = new ArrayList<>();
    for (String c : columns) {
      out.add(r.getAs(c));
    }
    return out;
  }
}
