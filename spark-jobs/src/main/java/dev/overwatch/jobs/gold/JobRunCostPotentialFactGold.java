package dev.overwatch.jobs.gold;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.ConsumerView;
import dev.overwatch.jobs.engine.GoldModule;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WriteMode;
import dev.overwatch.jobs.silver.SparkUiEvents;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * 3015 Gold_jobRunCostPotentialFact -> jobRunCostPotentialFact_gold (gold.md 3.7, costs.md 4): one row per task
 * run with the cluster states it overlapped, its share of their cost and, with Spark event logs, the core-hours
 * its Spark tasks used. Reads the runs of jobRun_gold started in the window plus the rows of this table still
 * open or still waiting for cluster states; clusterStateFact_gold over 90 days; sparkJob_gold and sparkTask_gold.
 * Every run gets a row: runs without costable cluster states say why in cost_reason (decision 66).
 */
public final class JobRunCostPotentialFactGold extends GoldModule {
  public static final TargetTable TARGET = TargetTable.merge("jobRunCostPotentialFact_gold", WriteMode.MERGE,
      List.of("run_id", "startEpochMS"), List.of("startEpochMS"), List.of("organization_id"), 33);
  /** clusterStateFact_gold (gold.md 3.2), read by its spec columns. */
  public static final TargetTable CLUSTER_STATE_FACT = ClusterStateFactGold.TARGET;
  public static final ModuleSpec SPEC = ModuleSpec.of(3015, "Gold_jobRunCostPotentialFact", Layer.GOLD, Scope.JOBS,
      TARGET, 3003, ClusterStateFactGold.SPEC.id(), 3010, 3012);
  static final int RUN_LAG_DAYS = 30;
  static final int STATE_LAG_DAYS = 90;
  static final int SPARK_LAG_DAYS = 2;
  /** Summed cost columns, in view order (costs.md 4.5). */
  static final List<String> COSTS = List.of("driver_compute_cost", "driver_dbu_cost", "worker_compute_cost",
      "worker_dbu_cost", "total_driver_cost", "total_worker_cost", "total_compute_cost", "total_dbu_cost",
      "total_cost", "total_dbus");
  static final List<String> RUN_COLUMNS = List.of("organization_id", "job_id", "job_name", "run_id", "job_run_id",
      "task_run_id", "task_key", "repair_id", "run_name", "startEpochMS", "cluster_id", "cluster_name",
      "multitask_parent_run_id", "parent_run_id", "task_runtime", "task_execution_runtime", "terminal_state",
      "job_trigger_type", "task_type", "created_by", "last_edited_by");
  static final ConsumerView VIEW = consumerView();

  public JobRunCostPotentialFactGold() {
    super(SPEC, VIEW);
  }

  /** presentation.md 3.6, the shares and costs repointed at their exact versions (decision 65), plus cost_reason. */
  private static ConsumerView consumerView() {
    List<String> columns = new ArrayList<>(List.of("organization_id", "workspace_name", "job_id", "job_name",
        "run_id", "job_run_id", "task_run_id", "task_key", "repair_id", "run_name", "startEpochMS", "cluster_id",
        "cluster_name", "cluster_type", "cluster_tags", "driver_node_type_id", "node_type_id", "dbu_rate",
        "multitask_parent_run_id", "parent_run_id", "task_runtime", "task_execution_runtime", "terminal_state",
        "job_trigger_type", "task_type", "created_by", "last_edited_by", "running_days", "avg_cluster_share",
        "avg_overlapping_runs", "max_overlapping_runs", "run_cluster_states", "worker_potential_core_H",
        "driver_compute_cost", "driver_dbu_cost", "worker_compute_cost", "worker_dbu_cost", "total_driver_cost",
        "total_worker_cost", "total_compute_cost", "total_dbu_cost", "total_cost", "total_dbus",
        "spark_task_runtimeMS", "spark_task_runtime_H", "job_run_cluster_util", "cost_reason"));
    ConsumerView v = ConsumerView.of("jobruncostpotentialfact", TARGET, columns.toArray(String[]::new));
    v = v.repoint("avg_cluster_share", "avg_cluster_share" + RunClusterStates.EXACT, false);
    for (String c : COSTS) {
      v = v.repoint(c, c + RunClusterStates.EXACT, false);
    }
    return v;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    if (!ctx.tableExists(JobRunGold.TARGET)) {
      throw new NoNewDataException("jobRun_gold does not exist yet", true);
    }
    Dataset<Row> jr = ctx.readIncremental(JobRunGold.TARGET, RUN_LAG_DAYS).where(col("startEpochMS").isNotNull());
    Dataset<Row> runs = jr.where(col("startEpochMS").geq(ctx.window().fromTS()));
    if (ctx.tableExists(TARGET)) {
      // Runs still open, or closed but waiting for their cluster's states, are recomputed and merged in place.
      Dataset<Row> again = ctx.readIncremental(TARGET, RUN_LAG_DAYS)
          .where(col("openRun").or(coalesce(col("costPending"), lit(false))))
          .select("organization_id", "run_id", "startEpochMS").distinct();
      // A flag join, not union + distinct: jobRun_gold has map columns, which set operations refuse.
      runs = jr.join(again.withColumn("__again", lit(true)), RunClusterStates.scala(List.of("organization_id",
              "run_id", "startEpochMS")), "left")
          .where(col("startEpochMS").geq(ctx.window().fromTS()).or(coalesce(col("__again"), lit(false))))
          .drop("__again");
    }
    runs = runs.cache();
    if (runs.isEmpty()) {
      throw new NoNewDataException("no job runs started in the window and none open", true);
    }
    Dataset<Row> states = ctx.tableExists(CLUSTER_STATE_FACT)
        ? ctx.readIncremental(CLUSTER_STATE_FACT, STATE_LAG_DAYS) : null;
    Dataset<Row> sparkJobs = ctx.tableExists(SparkJobGold.TARGET) ? ctx.readIncremental(SparkJobGold.TARGET,
        SPARK_LAG_DAYS) : null;
    Dataset<Row> sparkTasks = ctx.tableExists(SparkTaskGold.TARGET) ? ctx.readIncremental(SparkTaskGold.TARGET,
        SPARK_LAG_DAYS) : null;
    return fact(runs, states, sparkJobs, sparkTasks, ctx.window().untilTS());
  }

  /** costs.md 4.1-4.6 over the given runs (jobRun_gold rows); states, sparkJobs and sparkTasks may be null. */
  static Dataset<Row> fact(Dataset<Row> runs, Dataset<Row> states, Dataset<Row> sparkJobs, Dataset<Row> sparkTasks,
      long untilTS) {
    List<Column> runColumns = new ArrayList<>(RUN_COLUMNS.stream().map(c -> col(c)).toList());
    runColumns.add(col("cluster_type").as("orig_cluster_type"));
    Dataset<Row> r = runs.select(runColumns.toArray(Column[]::new))
        .withColumn("runStart", col("task_runtime.startEpochMS"))
        .withColumn("runEnd", coalesce(col("task_runtime.endEpochMS"), lit(untilTS)))
        .withColumn("openRun", col("task_runtime.endEpochMS").isNull())
        .withColumn("cluster_type", when(col("orig_cluster_type").isin("new", "job_cluster"), lit("automated"))
            .otherwise(lit("interactive")))
        .withColumn("running_days", sequence(to_date(col("task_runtime.startTS")), to_date(col("task_runtime.endTS"))));
    Dataset<Row> perRun = states == null ? noStates(r) : aggregate(r, RunClusterStates.of(r, stateColumns(states, untilTS)));
    Dataset<Row> costed = r.join(perRun, RunClusterStates.scala(List.of("organization_id", "run_id", "startEpochMS")),
        "left");
    Column noState = col("run_cluster_states").isNull();
    Column reason = when(col("orig_cluster_type").equalTo("sqlWarehouse"), concat(lit("ran on SQL warehouse "),
            coalesce(col("cluster_id"), lit("?")),
            lit(": warehouse cost is per warehouse state (warehouseStateFact), not attributable to one run")))
        .when(col("cluster_id").isNull(), lit("no cluster id (serverless compute or a run that never got compute): "
            + "no cluster states to cost"))
        .when(noState, concat(lit("no cluster state of cluster "), col("cluster_id"),
            lit(" covers the run yet; recomputed when clusterStateFact has it")));
    Column pending = noState.and(col("cluster_id").isNotNull())
        .and(coalesce(col("orig_cluster_type"), lit("")).notEqual("sqlWarehouse"));
    costed = costed.withColumn("cost_reason", reason).withColumn("costPending", pending)
        .withColumn("run_cluster_states", coalesce(col("run_cluster_states"), lit(0L)));
    return withUtilisation(costed, sparkJobs, sparkTasks).select(output());
  }

  private static Column[] output() {
    List<Column> out = new ArrayList<>();
    for (String c : List.of("organization_id", "job_id", "job_name", "run_id", "job_run_id", "task_run_id",
        "task_key", "repair_id", "run_name", "startEpochMS", "cluster_id", "cluster_name", "cluster_tags",
        "cluster_type", "driver_node_type_id", "node_type_id", "dbu_rate", "multitask_parent_run_id", "parent_run_id",
        "task_runtime", "task_execution_runtime", "terminal_state", "job_trigger_type", "task_type", "created_by",
        "last_edited_by", "openRun", "running_days", "avg_cluster_share", "avg_overlapping_runs",
        "max_overlapping_runs", "run_cluster_states", "worker_potential_core_H")) {
      out.add(col(c));
    }
    COSTS.forEach(c -> out.add(col(c)));
    out.add(col("spark_task_runtimeMS"));
    out.add(col("spark_task_runtime_H"));
    out.add(col("job_run_cluster_util"));
    out.add(col("avg_cluster_share" + RunClusterStates.EXACT));
    COSTS.forEach(c -> out.add(col(c + RunClusterStates.EXACT)));
    out.add(col("cost_reason"));
    out.add(col("costPending"));
    return out.toArray(Column[]::new);
  }

  /** The clusterStateFact columns the fact needs, renamed as in costs.md 4.1 (state costs prefixed state_). */
  static Dataset<Row> stateColumns(Dataset<Row> cs, long untilTS) {
    Column driverType = col("driver_node_type_id");
    Column workerType = col("node_type_id");
    if (List.of(cs.columns()).contains("driverSpecs")) {
      driverType = coalesce(driverType, SparkUiEvents.opt(cs, "driverSpecs.API_Name", DataTypes.StringType));
      workerType = coalesce(workerType, SparkUiEvents.opt(cs, "workerSpecs.API_Name", DataTypes.StringType));
    }
    List<Column> out = new ArrayList<>(List.of(col("organization_id"), col("cluster_id"),
        col("unixTimeMS_state_start"), coalesce(col("unixTimeMS_state_end"), lit(untilTS)).as("stateEnd"),
        col("state"), col("custom_tags").as("state_cluster_tags"), driverType.as("state_driver_node_type_id"),
        workerType.as("state_node_type_id"), col("dbu_rate").as("state_dbu_rate"),
        col("uptime_in_state_H"), col("worker_potential_core_H").as("cluster_state_worker_potential_core_H")));
    RunClusterStates.SCALED.forEach(c -> out.add(col(c).as("state_" + c)));
    return cs.where(col("unixTimeMS_state_start").isNotNull()).select(out.toArray(Column[]::new));
  }

  /** costs.md 4.5: one row per run. State attributes come from the latest state that has them (decision 66). */
  static Dataset<Row> aggregate(Dataset<Row> r, Dataset<Row> rbs) {
    Column order = col("unixTimeMS_state_start");
    List<Column> aggs = new ArrayList<>();
    for (String a : List.of("cluster_tags", "driver_node_type_id", "node_type_id", "dbu_rate")) {
      aggs.add(max_by(col("state_" + a), when(col("state_" + a).isNotNull(), order)).as(a));
    }
    aggs.add(greatest(round(avg("run_state_utilization"), 4), lit(0d)).as("avg_cluster_share"));
    aggs.add(greatest(round(avg("run_state_utilization" + RunClusterStates.EXACT), 4), lit(0d))
        .as("avg_cluster_share" + RunClusterStates.EXACT));
    aggs.add(greatest(round(avg("overlapping_run_states"), 2), lit(0d)).as("avg_overlapping_runs"));
    aggs.add(greatest(max("overlapping_run_states").cast("double"), lit(0d)).as("max_overlapping_runs"));
    aggs.add(count(lit(1)).as("run_cluster_states"));
    aggs.add(greatest(round(sum("worker_potential_core_H"), 6), lit(0d)).as("worker_potential_core_H"));
    for (String suffix : List.of("", RunClusterStates.EXACT)) {
      for (String c : COSTS) {
        aggs.add(greatest(round(sum(c + suffix), 6), lit(0d)).as(c + suffix));
      }
    }
    return rbs.groupBy("organization_id", "run_id", "startEpochMS")
        .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
  }

  /** No clusterStateFact table at all: every run is waiting for states. */
  private static Dataset<Row> noStates(Dataset<Row> r) {
    List<Column> out = new ArrayList<>(List.of(col("organization_id"), col("run_id"), col("startEpochMS"),
        lit(null).cast("string").as("cluster_tags"), lit(null).cast("string").as("driver_node_type_id"),
        lit(null).cast("string").as("node_type_id"), lit(null).cast("double").as("dbu_rate"),
        lit(null).cast("double").as("avg_cluster_share"),
        lit(null).cast("double").as("avg_cluster_share" + RunClusterStates.EXACT),
        lit(null).cast("double").as("avg_overlapping_runs"), lit(null).cast("double").as("max_overlapping_runs"),
        lit(null).cast("long").as("run_cluster_states"), lit(null).cast("double").as("worker_potential_core_H")));
    for (String suffix : List.of("", RunClusterStates.EXACT)) {
      COSTS.forEach(c -> out.add(lit(null).cast("double").as(c + suffix)));
    }
    return r.select(out.toArray(Column[]::new)).where(lit(false));
  }

  /**
   * costs.md 4.6: Spark task run time of each Databricks run (job id, run id from the Spark job's properties)
   * against the run's worker core-hour potential. Joined on context and stage only: stage ids are unique in a
   * Spark context, so the original's extra date equality only lost tasks that started after midnight.
   */
  static Dataset<Row> withUtilisation(Dataset<Row> fact, Dataset<Row> sparkJobs, Dataset<Row> sparkTasks) {
    if (sparkJobs == null || sparkTasks == null) {
      return fact.withColumn("spark_task_runtimeMS", lit(null).cast("long"))
          .withColumn("spark_task_runtime_H", lit(null).cast("double"))
          .withColumn("job_run_cluster_util", lit(null).cast("double"));
    }
    Dataset<Row> stages = sparkJobs.where(col("db_job_id").isNotNull().and(col("db_id_in_job").isNotNull()))
        .select(col("organization_id"), col("spark_context_id"), explode(col("stage_ids")).as("stage_id"),
            col("db_job_id").cast("long").as("util_job_id"), col("db_id_in_job").cast("long").as("util_run_id"))
        .distinct();
    Dataset<Row> tasks = sparkTasks.select(col("organization_id"), col("spark_context_id"),
        col("stage_id").cast("long").as("stage_id"), col("task_runtime.runTimeMS").as("runTimeMS"));
    Dataset<Row> util = stages.join(tasks, RunClusterStates.scala(List.of("organization_id", "spark_context_id",
            "stage_id")), "inner")
        .groupBy("organization_id", "util_job_id", "util_run_id")
        .agg(sum("runTimeMS").cast("long").as("spark_task_runtimeMS"));
    Dataset<Row> joined = fact.join(util, fact.col("organization_id").equalTo(util.col("organization_id"))
            .and(fact.col("job_id").equalTo(util.col("util_job_id"))).and(fact.col("run_id").equalTo(util.col("util_run_id"))),
        "left").drop(util.col("organization_id"));
    return joined.withColumn("spark_task_runtime_H", round(col("spark_task_runtimeMS").divide(3_600_000d), 4))
        .withColumn("job_run_cluster_util", when(col("worker_potential_core_H").gt(0),
            round(col("spark_task_runtime_H").divide(col("worker_potential_core_H")), 4)));
  }
}
