package dev.overwatch.jobs.silver;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import dev.overwatch.jobs.bronze.AuditLogBronze;
import dev.overwatch.jobs.bronze.ClusterEventsBronze;
import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WriteMode;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * 2019 Silver_ClusterStateDetail -> cluster_state_detail_silver (modules.md 2019, costs.md 1): cluster
 * events of the window and 30 days before turned into state intervals with a running flag, worker counts
 * through resizes, uptimes and billable flags. The last state of a cluster stays open until the window end
 * and is closed in place (merge) by the run that sees the next event.
 */
public final class ClusterStateDetailSilver implements Module {
  public static final TargetTable TARGET = TargetTable.merge("cluster_state_detail_silver", WriteMode.MERGE,
      List.of("cluster_id", "state", "unixTimeMS_state_start"), List.of("state_start_date", "unixTimeMS_state_start"),
      List.of(TargetTable.ORG, "state_start_date"), 30);
  /** 2011 (jobrun_silver) is declared so that it runs first in the silver layer: job runs end job clusters. */
  public static final ModuleSpec SPEC = ModuleSpec.of(2019, "Silver_ClusterStateDetail", Layer.SILVER,
      Scope.CLUSTER_EVENTS, TARGET, 1005, JobRunSilver.SPEC.id());

  static final List<String> RUNNING_STATES = List.of("STARTING", "INIT_SCRIPTS_STARTED", "RUNNING", "CREATING",
      "RESIZING", "UPSIZE_COMPLETED", "DRIVER_HEALTHY");
  static final List<String> NOT_DBU_BILLABLE = List.of("STARTING", "TERMINATING", "CREATING", "RESTARTING",
      "TERMINATING_IMPUTED");
  static final List<String> RESET_AFTER = List.of("TERMINATING", "RESTARTING", "EDITED", "TERMINATING_IMPUTED");
  static final String PERMANENT_DELETE = StateIntervals.PERMANENT_DELETE;
  private static final int ROWS = 1000;
  private static final StateIntervals INTERVALS = new StateIntervals("cluster_id", "imputed", "current_num_workers",
      "target_num_workers", "counter_reset", "reset_partition", RESET_AFTER, NOT_DBU_BILLABLE);

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    if (!ctx.tableExists(ClusterEventsBronze.TARGET)) {
      throw new NoNewDataException("cluster_events_bronze does not exist yet", false);
    }
    Dataset<Row> events = ctx.readIncremental(ClusterEventsBronze.TARGET, 30);
    if (events.isEmpty()) {
      throw new NoNewDataException("no cluster events in the window or the 30 days before", true);
    }
    Dataset<Row> deletes = permanentDeletes(ctx);
    return states(imputeJobClusterEnds(ctx, events), deletes, ctx.window().untilTS());
  }

  /**
   * costs.md 1.1: an automated (job) cluster whose latest event is not TERMINATING although a job run on it
   * has ended gets a TERMINATING_IMPUTED event at the latest run end (decisions: not at its latest event's
   * time), or 1 ms after that event when the run ended before it.
   */
  static Dataset<Row> imputeJobClusterEnds(ModuleContext ctx, Dataset<Row> events) {
    if (!ctx.tableExists(JobRunSilver.TARGET) || !ctx.tableExists(ClusterSpecSilver.TARGET)) {
      return events;
    }
    Dataset<Row> automated = ctx.readAll(ClusterSpecSilver.TARGET).where(col("cluster_name").like("job-%-run-%"))
        .select("organization_id", "cluster_id").distinct();
    Dataset<Row> runEnds = ctx.readIncremental(JobRunSilver.TARGET, 30)
        .where(col("TaskExecutionRunTime.endEpochMS").isNotNull())
        .groupBy(col("organization_id"), col("clusterId").as("cluster_id"))
        .agg(max(col("TaskExecutionRunTime.endEpochMS")).as("__runEnd"))
        .join(automated, ClusterSpecSilver.seq(List.of("organization_id", "cluster_id")));
    Dataset<Row> latest = events.withColumn("__rn", row_number().over(Window.partitionBy("organization_id", "cluster_id")
        .orderBy(col("timestamp").desc()))).where(col("__rn").equalTo(1)).drop("__rn")
        .where(col("type").notEqual("TERMINATING"));
    Dataset<Row> imputed = latest.join(runEnds, ClusterSpecSilver.seq(List.of("organization_id", "cluster_id")))
        .withColumn("timestamp", greatest(col("__runEnd"), col("timestamp").plus(1)))
        .withColumn("type", lit("TERMINATING_IMPUTED")).drop("__runEnd");
    return events.unionByName(imputed);
  }

  /** Per cluster, the time of its permanent deletion within the audit window + 1 lag day. */
  static Dataset<Row> permanentDeletes(ModuleContext ctx) {
    if (!ctx.tableExists(AuditLogBronze.TARGET)) {
      return null;
    }
    return ctx.readIncremental(AuditLogBronze.TARGET, 1)
        .where("serviceName = 'clusters' AND actionName = 'permanentDelete' AND response.statusCode = 200")
        .select(col("organization_id"), coalesce(col("requestParams.cluster_id"), col("requestParams.clusterId"))
            .as("cluster_id"), col("timestamp"))
        .where(col("cluster_id").isNotNull())
        .groupBy("organization_id", "cluster_id").agg(max("timestamp").as("deletedAt"));
  }

  /**
   * The state machine of costs.md 1 over bronze cluster events ({@code deletes}: organization_id, cluster_id,
   * deletedAt, or null); {@code untilTS} closes the last state of every cluster.
   */
  public static Dataset<Row> states(Dataset<Row> bronzeEvents, Dataset<Row> deletes, long untilTS) {
    Dataset<Row> events = bronzeEvents.select(col("organization_id"), col("cluster_id"), col("timestamp"),
            col("type").as("state"), col("details.current_num_workers").as("d_current"),
            col("details.target_num_workers").as("d_target"), col("details.cluster_size.num_workers").as("cs_num"),
            col("details.cluster_size.autoscale.min_workers").as("cs_min"), lit(false).as("imputed"))
        .dropDuplicates("organization_id", "cluster_id", "state", "timestamp");
    WindowSpec byTime = INTERVALS.byTime();

    // 1.1 Broken on/off chains: two starts or two stops in a row get a TERMINATING in between.
    events = events.withColumn("runningSwitch", runningSwitch(col("state")));
    events = events.withColumn("previousSwitch", when(col("runningSwitch").isNotNull(),
        last(col("runningSwitch"), true).over(byTime.rowsBetween(Window.unboundedPreceding(), -1))));
    Column nextSwitch = lead(col("runningSwitch"), 1).over(byTime);
    Column nextPrevious = lead(col("previousSwitch"), 1).over(byTime);
    events = events.withColumn("__broken", nextSwitch.isNotNull().and(nextSwitch.equalTo(nextPrevious)));
    Dataset<Row> imputed = events.where(col("__broken"))
        .withColumn("timestamp", col("timestamp").plus(1))
        .withColumn("state", lit("TERMINATING"))
        .withColumn("imputed", lit(true))
        .withColumn("runningSwitch", lit(false))
        .withColumn("d_current", lit(null).cast("long")).withColumn("d_target", lit(null).cast("long"))
        .withColumn("cs_num", lit(null).cast("long")).withColumn("cs_min", lit(null).cast("long"));
    events = events.unionByName(imputed).drop("__broken", "previousSwitch");

    // 1.2 Running flag.
    Column previousSwitch = last(col("runningSwitch"), true).over(byTime.rowsBetween(-ROWS, -1));
    Column nextSwitchAhead = first(col("runningSwitch"), true).over(byTime.rowsBetween(1, ROWS));
    events = events.withColumn("isRunning", when(col("imputed"), lit(false))
        .otherwise(coalesce(col("runningSwitch"), previousSwitch, not(nextSwitchAhead),
            when(col("state").isin(RUNNING_STATES.toArray()), lit(true)))));
    Column previousRunning = last(col("isRunning"), true).over(byTime.rowsBetween(-ROWS, -1));
    Column nextRunning = first(col("isRunning"), true).over(byTime.rowsBetween(1, ROWS));
    events = events.withColumn("isRunning", coalesce(col("isRunning"), previousRunning, not(nextRunning), lit(false)));
    events = events.withColumn("isRunning", when(col("state").equalTo("EXPANDED_DISK")
        .and(not(coalesce(lag(col("isRunning"), 1).over(byTime), lit(true)))), lit(false)).otherwise(col("isRunning")));

    // 1.3 Worker counts.
    Column sized = coalesce(col("d_current"), col("cs_num"), col("cs_min"));
    events = events.withColumn("__sized", sized);
    Column current = when(not(col("isRunning")), lit(0L)).otherwise(coalesce(col("__sized"),
        last(col("__sized"), true).over(byTime.rowsBetween(-ROWS, -1)), lit(0L)));
    events = events.withColumn("current_num_workers", current.cast("long"));
    events = events.withColumn("target_num_workers", when(not(col("isRunning")), lit(0L))
        .when(col("state").equalTo("CREATING"), coalesce(col("cs_num"), col("cs_min"), lit(0L)))
        .otherwise(coalesce(col("d_target"), col("current_num_workers"), lit(0L))).cast("long"));

    // 1.4-1.5 Intervals, the cut at a permanent deletion, reset partitions, uptimes, billable flags.
    return INTERVALS.intervals(events, deletes, untilTS);
  }

  static Column runningSwitch(Column state) {
    return when(state.isin("TERMINATING", "TERMINATING_IMPUTED"), lit(false))
        .when(state.isin("CREATING", "STARTING"), lit(true));
  }
}
