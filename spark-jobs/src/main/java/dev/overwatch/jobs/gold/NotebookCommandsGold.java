package dev.overwatch.jobs.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import dev.overwatch.jobs.bronze.AuditLogBronze;
import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.ConsumerView;
import dev.overwatch.jobs.engine.GoldModule;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WriteMode;
import dev.overwatch.jobs.silver.AsOfLookup;
import dev.overwatch.jobs.silver.RuntimeStruct;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * 3019 Gold_NotebookCommands -> notebookCommands_gold (gold.md 3.21, costs.md 6), view notebookcommands
 * (presentation.md 3.8): one row per notebook command of the verbose audit log ({@code runCommand}, read with a
 * one-day lag), its notebook's path and name as of the command, the cluster it ran on and its estimated DBU cost.
 *
 * <p>The cost is the command's share of its cluster's DBU cost while it ran (decision 303): the command's time is
 * cut into slices at every command start/end and cluster-state boundary of the cluster; a slice costs the
 * covering clusterStateFact state's {@code total_DBU_cost} pro rata to its length and is shared equally by the
 * commands running in it. A command without a cluster, without executionTime or without costed cluster states
 * over its whole run gets a null cost and {@code cost_reason} says why.
 */
public final class NotebookCommandsGold extends GoldModule {
  public static final TargetTable TARGET = TargetTable.merge("notebookCommands_gold", WriteMode.MERGE,
      List.of("notebook_id", "command_id", "unixTimeMS"), List.of("unixTimeMS"), List.of(TargetTable.ORG), 33);
  public static final ModuleSpec SPEC = ModuleSpec.of(3019, "Gold_NotebookCommands", Layer.GOLD,
      Scope.NOTEBOOK_COMMANDS, TARGET, 1004, 3004, 3005);
  static final int AUDIT_LAG_DAYS = 1;
  static final int STATE_LAG_DAYS = 90;
  /** presentation.md 3.8, then the reason for a null cost (as jobruncostpotentialfact's cost_reason). */
  static final ConsumerView VIEW = ConsumerView.of("notebookcommands", TARGET, "organization_id", "workspace_name",
      "date", "timestamp", "notebook_id", "notebook_path", "notebook_name", "command_id", "command_text",
      "execution_time_s", "source_ip_address", "user_identity", "estimated_dbu_cost", "status", "cluster_id",
      "cluster_name", "custom_tags", "node_type_id", "node_count", "response", "user_agent", "unixTimeMS",
      "cost_reason");

  public NotebookCommandsGold() {
    super(SPEC, VIEW);
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    if (!ctx.tableExists(AuditLogBronze.TARGET)) {
      throw new NoNewDataException("audit_log_bronze does not exist yet", true);
    }
    Dataset<Row> audit = ctx.readIncremental(AuditLogBronze.TARGET, AUDIT_LAG_DAYS);
    Dataset<Row> notebooks = ctx.tableExists(NotebookGold.TARGET) ? ctx.readAll(NotebookGold.TARGET) : null;
    Dataset<Row> states = ctx.tableExists(ClusterStateFactGold.TARGET)
        ? ctx.readIncremental(ClusterStateFactGold.TARGET, STATE_LAG_DAYS) : null;
    return commands(audit, notebooks, states);
  }

  /** The command rows of audit_log_bronze rows; notebooks (notebook_gold) and states (clusterStateFact) may be null. */
  public static Dataset<Row> commands(Dataset<Row> audit, Dataset<Row> notebooks, Dataset<Row> states) {
    Dataset<Row> cmd = audit.where(col("serviceName").equalTo("notebook").and(col("actionName").equalTo("runCommand"))
            .and(col("requestParams.notebookId").isNotNull()))
        .select(col("organization_id"), col("requestParams.clusterId").as("cluster_id"),
            col("requestParams.notebookId").as("notebook_id"), col("requestParams.commandId").as("command_id"),
            col("requestParams.commandText").as("command_text"),
            expr("try_cast(requestParams.executionTime AS double)").as("execution_time_s"),
            col("sourceIPAddress").as("source_ip_address"), col("userIdentity").as("user_identity"),
            col("requestParams.status").as("status"), AuditLogBronze.response().as("response"),
            col("userAgent").as("user_agent"),
            col("timestamp").as("unixTimeMS"), col("hashKey").as("cmd_key"))
        .withColumn("t1", col("unixTimeMS").plus(expr("cast(round(execution_time_s * 1000) AS long)")));
    Dataset<Row> withCost = states == null
        ? cmd.withColumn("estimated_dbu_cost", lit(null).cast("double"))
            .withColumn("cost_reason", reasonWithoutStates())
            .withColumn("cluster_name", lit(null).cast("string")).withColumn("custom_tags", lit(null).cast("string"))
            .withColumn("node_type_id", lit(null).cast("string")).withColumn("node_count", lit(null).cast("long"))
        : costed(cmd, states);
    Dataset<Row> named = notebooks == null
        ? withCost.withColumn("notebook_path", lit(null).cast("string"))
            .withColumn("notebook_name", lit(null).cast("string"))
        : AsOfLookup.lookup(withCost, notebookNames(notebooks), "unixTimeMS", List.of("organization_id",
            "notebook_id"), true);
    Column ts = RuntimeStruct.secondsTimestamp(col("unixTimeMS"));
    return named.select(col("organization_id"), col("cluster_id"), col("notebook_id"), to_date(ts).as("date"),
        ts.as("timestamp"), col("notebook_path"), col("notebook_name"), col("command_id"), col("command_text"),
        col("execution_time_s"), col("source_ip_address"), col("user_identity"), col("estimated_dbu_cost"),
        col("status"), col("cluster_name"), col("custom_tags"), col("node_type_id"), col("node_count"),
        col("response"), col("user_agent"), col("unixTimeMS"), col("cost_reason"));
  }

  /** Path and name in force after each notebook action (a rename or move changes them). */
  private static Dataset<Row> notebookNames(Dataset<Row> notebooks) {
    Column renamedPath = when(col("new_name").isNotNull().and(col("parent_path").isNotNull()),
        concat(col("parent_path"), lit("/"), col("new_name")));
    return notebooks.select(col("organization_id"), col("notebook_id"), col("unixTimeMS"),
        col("new_path").as("__np"), renamedPath.as("__rp"), col("notebook_path"),
        col("new_name"), col("notebook_name"))
        .select(col("organization_id"), col("notebook_id"), col("unixTimeMS"),
            org.apache.spark.sql.functions.coalesce(col("__np"), col("__rp"), col("notebook_path")).as("notebook_path"),
            org.apache.spark.sql.functions.coalesce(col("new_name"), col("notebook_name")).as("notebook_name"));
  }

  private static Column reasonWithoutStates() {
    return when(col("cluster_id").isNull(), lit("no cluster id (ran on a SQL warehouse or serverless compute)"))
        .when(col("execution_time_s").isNull(), lit("no executionTime in the audit record (verbose audit logs)"))
        .otherwise(lit("no clusterStateFact_gold yet (clusterEvents scope off or not run)"));
  }

  private static final long HOUR_MS = 3_600_000L;

  /** costs.md 6 as decided (decision 303): the command's share of its cluster's DBU cost while it ran. */
  private static Dataset<Row> costed(Dataset<Row> cmd, Dataset<Row> allStates) {
    Column tags = allStates.schema().apply("custom_tags").dataType().equals(DataTypes.StringType)
        ? col("custom_tags") : to_json(col("custom_tags"));
    Dataset<Row> states = allStates.where(col("unixTimeMS_state_start").isNotNull()
            .and(col("unixTimeMS_state_end").isNotNull()))
        .select(col("organization_id"), col("cluster_id"), col("unixTimeMS_state_start").as("s0"),
            col("unixTimeMS_state_end").as("s1"), col("total_DBU_cost").as("state_cost"),
            col("cost_null_reason").as("state_cost_reason"), col("cluster_name"), tags.as("custom_tags"),
            col("node_type_id"), col("current_num_workers").cast("long").as("node_count"));
    Dataset<Row> ran = cmd.where(col("cluster_id").isNotNull().and(col("t1").gt(col("unixTimeMS"))));
    // Every range join below also matches on an hour bucket of the time (intervals listed in each hour they touch):
    // on a busy cluster a slice then meets the commands and states of its hour, not all of the cluster's.
    Dataset<Row> stateHours = states.withColumn("h", hours(col("s0"), col("s1")));
    // States of the commands' clusters that overlap a command; a state [s0, s1] closes the 1 ms before the next.
    Dataset<Row> relevant = stateHours.join(ran.select(col("organization_id").as("o"), col("cluster_id").as("c"),
            col("unixTimeMS").as("a0"), col("t1").as("a1"), hours(col("unixTimeMS"), col("t1")).as("ah")),
        col("organization_id").equalTo(col("o")).and(col("cluster_id").equalTo(col("c"))).and(col("h").equalTo(col("ah")))
            .and(col("s0").lt(col("a1"))).and(col("s1").plus(1).gt(col("a0"))), "left_semi")
        .drop("h").distinct();
    Dataset<Row> bounds = ran.select(col("organization_id"), col("cluster_id"), col("unixTimeMS").as("t"))
        .union(ran.select(col("organization_id"), col("cluster_id"), col("t1").as("t")))
        .union(relevant.select(col("organization_id"), col("cluster_id"), col("s0").as("t")))
        .union(relevant.select(col("organization_id"), col("cluster_id"), col("s1").plus(1).as("t")))
        .distinct();
    Dataset<Row> slices = bounds.withColumn("b", lead(col("t"), 1).over(Window.partitionBy("organization_id",
            "cluster_id").orderBy("t")))
        .where(col("b").isNotNull()).withColumnRenamed("t", "a");
    Dataset<Row> perCommand = slices.withColumn("h", hour(col("a"))).as("sl").join(ran.select(col("organization_id"),
            col("cluster_id"), col("cmd_key"), col("unixTimeMS").as("t0"), col("t1"),
            hours(col("unixTimeMS"), col("t1")).as("h")).as("c"),
        col("sl.organization_id").equalTo(col("c.organization_id")).and(col("sl.cluster_id").equalTo(
            col("c.cluster_id"))).and(col("sl.h").equalTo(col("c.h")))
            .and(col("c.t0").leq(col("sl.a"))).and(col("sl.b").leq(col("c.t1"))))
        .select(col("sl.organization_id").as("organization_id"), col("sl.cluster_id").as("cluster_id"), col("sl.a"),
            col("sl.b"), col("c.cmd_key"))
        .withColumn("sharing", count(lit(1)).over(Window.partitionBy("organization_id", "cluster_id", "a")));
    Dataset<Row> sliceCost = perCommand.withColumn("h", hour(col("a"))).as("p")
        .join(relevant.withColumn("h", hours(col("s0"), col("s1"))).as("s"),
            col("p.organization_id").equalTo(col("s.organization_id")).and(col("p.cluster_id").equalTo(
                col("s.cluster_id"))).and(col("p.h").equalTo(col("s.h")))
                .and(col("s.s0").leq(col("p.a"))).and(col("p.b").leq(col("s.s1").plus(1))),
            "left")
        .select(col("p.cmd_key"), col("s.s0"), col("s.state_cost"), col("s.state_cost_reason"),
            // The state's cost pro rata to the slice's part of it, shared by the commands running then.
            when(col("s.s1").gt(col("s.s0")), col("s.state_cost").multiply(
                    least(col("p.b"), col("s.s1")).minus(greatest(col("p.a"), col("s.s0"))).cast("double"))
                .divide(col("s.s1").minus(col("s.s0")).cast("double"))).otherwise(lit(0.0))
                .divide(col("p.sharing")).as("share"));
    Dataset<Row> cost = sliceCost.groupBy("cmd_key").agg(sum("share").as("__cost"), count(lit(1)).as("__slices"),
        count(col("s0")).as("__covered"), count(col("state_cost")).as("__priced"),
        first(col("state_cost_reason"), true).as("__state_reason"));
    // The state the command started in describes the cluster (name, tags, node type, workers).
    Dataset<Row> startState = cmd.select(col("cmd_key"), col("organization_id").as("o"), col("cluster_id").as("c"),
            col("unixTimeMS").as("t0"), hour(col("unixTimeMS")).as("th"))
        .join(stateHours, col("o").equalTo(col("organization_id")).and(col("c").equalTo(col("cluster_id")))
            .and(col("th").equalTo(col("h"))).and(col("s0").leq(col("t0"))).and(col("t0").leq(col("s1"))))
        .withColumn("__n", row_number().over(Window.partitionBy("cmd_key").orderBy(col("s1").minus(col("s0")).desc(),
            col("s0"))))
        .where(col("__n").equalTo(1))
        .select(col("cmd_key"), col("cluster_name"), col("custom_tags"), col("node_type_id"), col("node_count"),
            col("state_cost").as("__start_cost"), col("state_cost_reason").as("__start_reason"));
    Column zeroLength = col("t1").equalTo(col("unixTimeMS"));
    Column cluster = org.apache.spark.sql.functions.coalesce(col("cluster_id"), lit(""));
    Column cost1 = when(col("cluster_id").isNull().or(col("t1").isNull()).or(col("t1").lt(col("unixTimeMS"))),
            lit(null).cast("double"))
        .when(zeroLength, when(col("__start_cost").isNotNull(), lit(0.0)))
        .when(col("__covered").equalTo(col("__slices")).and(col("__priced").equalTo(col("__covered"))),
            col("__cost"));
    Column reason = when(col("cluster_id").isNull(), lit("no cluster id (ran on a SQL warehouse or serverless compute)"))
        .when(col("execution_time_s").isNull(), lit("no executionTime in the audit record (verbose audit logs)"))
        .when(col("t1").lt(col("unixTimeMS")), lit("executionTime is negative"))
        .when(zeroLength.and(col("__start_reason").isNotNull()), concat(lit("cluster state not costed: "),
            col("__start_reason")))
        .when(zeroLength.and(col("__start_cost").isNull()), concat(lit("no clusterStateFact state of cluster "), cluster,
            lit(" at the command's time")))
        .when(zeroLength, lit(null).cast("string"))
        .when(col("__covered").isNull().or(col("__covered").equalTo(0)), concat(
            lit("no clusterStateFact state of cluster "), cluster, lit(" while the command ran")))
        .when(col("__covered").lt(col("__slices")), concat(lit("clusterStateFact states of cluster "), cluster,
            lit(" cover only part of the command")))
        .when(col("__priced").lt(col("__covered")), concat(lit("cluster state not costed: "),
            org.apache.spark.sql.functions.coalesce(col("__state_reason"), lit("total_DBU_cost is null"))));
    return cmd.join(cost, seq("cmd_key"), "left").join(startState, seq("cmd_key"), "left")
        .withColumn("estimated_dbu_cost", cost1).withColumn("cost_reason", reason);
  }

  /** The hour bucket of an epoch-ms time. */
  private static Column hour(Column epochMs) {
    return org.apache.spark.sql.functions.floor(epochMs.divide(HOUR_MS));
  }

  /** One row per hour bucket that the interval [from, until] touches (exploded). */
  private static Column hours(Column from, Column until) {
    return org.apache.spark.sql.functions.explode(org.apache.spark.sql.functions.sequence(hour(from), hour(until)));
  }

  private static scala.collection.immutable.Seq<String> seq(String... columns) {
    return scala.jdk.javaapi.CollectionConverters.asScala(List.of(columns)).toList();
  }
}
