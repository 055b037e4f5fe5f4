package dev.overwatch.jobs.silver;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.when;

import dev.overwatch.api.v1alpha1.WarehouseEventsSpec;
import dev.overwatch.api.v1alpha1.WorkspaceSpec;
import dev.overwatch.jobs.bronze.AuditLogBronze;
import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.config.StoragePaths;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WriteMode;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * 2022 Silver_WarehouseStateDetail -> warehouse_state_detail_silver (modules.md 2022, costs.md 5): SQL
 * warehouse state events of the window and 30 days before turned into state intervals with the number of
 * clusters running, uptimes and billable flags. The events come from an export of
 * {@code system.compute.warehouse_events} when the workspace names one ({@code warehouseEvents}), else they
 * are derived from the audit log (decision 401): a start or create starts the warehouse (RUNNING with its
 * minimum cluster count), a stop stops it (STOPPED), a delete ends its last state. The last state stays open until the window end
 * and is closed in place by the run that sees the next event.
 */
public final class WarehouseStateDetailSilver implements Module {
  public static final TargetTable TARGET = TargetTable.merge("warehouse_state_detail_silver", WriteMode.MERGE,
      List.of("warehouse_id", "state", "unixTimeMS_state_start"), List.of("state_start_date", "unixTimeMS_state_start"),
      List.of(TargetTable.ORG, "state_start_date"), 30);
  /** 2011 (jobrun_silver) is declared so that it runs first in the silver layer: SQL job runs end audit states. */
  public static final ModuleSpec SPEC = ModuleSpec.of(2022, "Silver_WarehouseStateDetail", Layer.SILVER,
      Scope.WAREHOUSE_EVENTS, TARGET, 1004, 1013, JobRunSilver.SPEC.id());

  static final List<String> RUNNING_STATES = List.of("CREATING", "STARTING", "RUNNING", "SCALED_UP", "SCALED_DOWN");
  static final List<String> NOT_DBU_BILLABLE = List.of("STARTING", "TERMINATING", "CREATING", "RESTARTING",
      "TERMINATING_IMPUTED", "STOPPING", "STOPPED");
  /** The state after one of these starts a new uptime count (state_transition_flag). */
  static final List<String> RESET_AFTER = List.of("TERMINATING", "RESTARTING", "EDITED", "TERMINATING_IMPUTED",
      "STOPPING");
  /** States that switch a warehouse off (costs.md 5). */
  static final List<String> STOPS = List.of("STOPPING", "STOPPED", "TERMINATING", "TERMINATING_IMPUTED", "DELETED");
  static final String PERMANENT_DELETE = StateIntervals.PERMANENT_DELETE;
  private static final StateIntervals INTERVALS = new StateIntervals("warehouse_id", "state", "current_num_clusters",
      "target_num_clusters", "state_transition_flag", "state_transition_flag_sum", RESET_AFTER, NOT_DBU_BILLABLE);

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    Optional<WarehouseEventsSpec> export = exportOf(ctx);
    Dataset<Row> audit = ctx.tableExists(AuditLogBronze.TARGET) ? ctx.readIncremental(AuditLogBronze.TARGET, 30) : null;
    Dataset<Row> events;
    if (export.isPresent()) {
      events = fromExport(ctx, export.get());
    } else if (audit != null) {
      events = imputeJobRunEnds(ctx, fromAudit(audit));
    } else {
      throw new NoNewDataException("no warehouse events: neither warehouseEvents nor audit_log_bronze", false);
    }
    if (events.isEmpty()) {
      throw new NoNewDataException("no SQL warehouse state events in the window or the 30 days before", true);
    }
    Dataset<Row> specs = ctx.tableExists(WarehouseSpecSilver.TARGET) ? ctx.readAll(WarehouseSpecSilver.TARGET) : null;
    return states(events, specs, audit == null ? null : deletes(audit), ctx.window().untilTS());
  }

  private static Optional<WarehouseEventsSpec> exportOf(ModuleContext ctx) {
    return ctx.deployment().workspaces.stream().filter(w -> w.name.equals(ctx.workspace().name()))
        .map((WorkspaceSpec w) -> w.warehouseEvents).filter(e -> e != null && e.path != null).findFirst();
  }

  /** Rows of the warehouse_events export for this workspace from (date of fromTS - 30 days) to untilTS. */
  static Dataset<Row> fromExport(ModuleContext ctx, WarehouseEventsSpec export) {
    String format = export.format == null ? "delta" : export.format;
    Dataset<Row> raw = ctx.spark().read().format(format).load(StoragePaths.qualify(export.path));
    long from = ctx.window().fromDate(ctx.zone()).minusDays(30).atStartOfDay(ctx.zone()).toInstant().toEpochMilli();
    Dataset<Row> rows = raw.select(col("workspace_id").cast("string").as("organization_id"), col("warehouse_id"),
            col("event_type").as("state"), col("cluster_count").cast("long").as("cluster_count"),
            // epoch ms at second precision (modules.md 2022)
            unix_millis(col("event_time").cast("timestamp")).divide(1000).cast("long").multiply(1000).as("timestamp"))
        .where(col("organization_id").equalTo(ctx.organizationId()))
        .where(col("timestamp").geq(from).and(col("timestamp").lt(ctx.window().untilTS())));
    return rows.where(col("warehouse_id").isNotNull().and(col("state").isNotNull()));
  }

  /** Warehouse states from the audit log: start and create -> RUNNING, stop -> STOPPED (deletes cut the last state). */
  static Dataset<Row> fromAudit(Dataset<Row> audit) {
    Column action = col("actionName");
    Column isCreate = action.isin("createEndpoint", "createWarehouse");
    Column id = when(isCreate, org.apache.spark.sql.functions.get_json_object(col("response.result"), "$.id"))
        .otherwise(col("requestParams.id"));
    Column state = when(action.isin("startEndpoint", "startWarehouse", "createEndpoint", "createWarehouse"), lit("RUNNING"))
        .when(action.isin("stopEndpoint", "stopWarehouse"), lit("STOPPED"));
    return audit.where(col("serviceName").equalTo("databrickssql").and(col("response.statusCode").equalTo(200)))
        .select(col("organization_id"), id.as("warehouse_id"), state.as("state"), lit(null).cast("long").as("cluster_count"),
            col("timestamp"))
        .where(col("warehouse_id").isNotNull().and(col("state").isNotNull()));
  }

  /**
   * costs.md 1.1 for SQL warehouses (modules.md 2022, decision 1103), audit path only (an export has the real
   * STOPPING/STOPPED events): a running audit state that is followed by no stop (the last state, or a start
   * again) gets a TERMINATING_IMPUTED state at the latest end of the SQL-warehouse job runs on the warehouse
   * ({@code clusterType = sqlWarehouse}) that ended while it ran. Every such state, not only the latest, so that
   * a rerun over the same 30 days imputes the same rows after the warehouse was started again.
   */
  static Dataset<Row> imputeJobRunEnds(ModuleContext ctx, Dataset<Row> events) {
    if (!ctx.tableExists(JobRunSilver.TARGET)) {
      return events;
    }
    return imputeJobRunEnds(events, ctx.readIncremental(JobRunSilver.TARGET, 30));
  }

  /** {@link #imputeJobRunEnds} over rows of jobrun_silver (organization_id, clusterId, clusterType, TaskExecutionRunTime). */
  static Dataset<Row> imputeJobRunEnds(Dataset<Row> events, Dataset<Row> jobRuns) {
    Dataset<Row> runEnds = jobRuns
        .where(col("clusterType").equalTo("sqlWarehouse").and(col("TaskExecutionRunTime.endEpochMS").isNotNull()))
        .select(col("organization_id"), col("clusterId").as("warehouse_id"),
            col("TaskExecutionRunTime.endEpochMS").as("__runEnd"));
    WindowSpec byTime = INTERVALS.byTime();
    Dataset<Row> unstopped = events
        .withColumn("__next", lead(col("timestamp"), 1).over(byTime))
        .withColumn("__nextState", lead(col("state"), 1).over(byTime))
        .where(not(col("state").isin(STOPS.toArray()))
            .and(col("__nextState").isNull().or(not(col("__nextState").isin(STOPS.toArray())))));
    Dataset<Row> imputed = unstopped.join(runEnds, ClusterSpecSilver.seq(List.of("organization_id", "warehouse_id")))
        .where(col("__runEnd").gt(col("timestamp")).and(col("__next").isNull().or(col("__runEnd").lt(col("__next")))))
        .groupBy("organization_id", "warehouse_id", "timestamp").agg(max("__runEnd").as("__runEnd"))
        .select(col("organization_id"), col("warehouse_id"), lit("TERMINATING_IMPUTED").as("state"),
            lit(null).cast("long").as("cluster_count"), col("__runEnd").as("timestamp"));
    return events.select("organization_id", "warehouse_id", "state", "cluster_count", "timestamp").unionByName(imputed);
  }

  /** Per warehouse, when it was deleted (deleteEndpoint and deleteWarehouse: decision 401). */
  static Dataset<Row> deletes(Dataset<Row> audit) {
    return audit.where("serviceName = 'databrickssql' AND actionName IN ('deleteEndpoint', 'deleteWarehouse')"
            + " AND response.statusCode = 200")
        .select(col("organization_id"), col("requestParams.id").as("warehouse_id"), col("timestamp"))
        .where(col("warehouse_id").isNotNull())
        .groupBy("organization_id", "warehouse_id").agg(max("timestamp").as("deletedAt"));
  }

  /**
   * The state machine of costs.md 5 over warehouse events (organization_id, warehouse_id, state, cluster_count,
   * timestamp); {@code specs} (warehouse_spec_silver, may be null) gives the configured cluster counts as of each
   * event, {@code deletes} (may be null) cuts deleted warehouses; {@code untilTS} closes the last state.
   */
  public static Dataset<Row> states(Dataset<Row> rawEvents, Dataset<Row> specs, Dataset<Row> deletes, long untilTS) {
    List<String> partition = List.of("organization_id", "warehouse_id");
    Dataset<Row> events = rawEvents.select("organization_id", "warehouse_id", "state", "cluster_count", "timestamp")
        .dropDuplicates("organization_id", "warehouse_id", "state", "timestamp");
    if (specs != null) {
      Dataset<Row> defs = specs.select(col("organization_id"), col("warehouse_id"), col("timestamp").as("__def_ts"),
          col("min_num_clusters"), col("max_num_clusters"));
      events = TemporalLookups.lookupWhen(events, col("timestamp"), defs, col("__def_ts"), partition,
          List.of("min_num_clusters", "max_num_clusters"), 1);
    } else {
      events = events.withColumn("min_num_clusters", lit(null).cast("long"))
          .withColumn("max_num_clusters", lit(null).cast("long"));
    }
    WindowSpec byTime = INTERVALS.byTime();
    WindowSpec before = byTime.rowsBetween(Window.unboundedPreceding(), -1);
    Column known = when(col("state").isin(RUNNING_STATES.toArray()), lit(true))
        .when(col("state").isin(STOPS.toArray()), lit(false));
    events = events.withColumn("__known", known)
        .withColumn("isRunning", coalesce(col("__known"), last(col("__known"), true).over(before), lit(false)));
    Column sized = coalesce(col("cluster_count"), col("min_num_clusters"));
    events = events.withColumn("__sized", when(col("isRunning"), sized));
    events = events.withColumn("current_num_clusters", when(not(col("isRunning")), lit(0L))
        .otherwise(coalesce(col("__sized"), last(col("__sized"), true).over(before), lit(1L))).cast("long"));
    events = events.withColumn("target_num_clusters", when(not(col("isRunning")), lit(0L))
        .when(col("state").equalTo("CREATING"), coalesce(col("min_num_clusters"), col("current_num_clusters")))
        .otherwise(coalesce(col("max_num_clusters"), col("current_num_clusters"))).cast("long"));
    return INTERVALS.intervals(events, deletes, untilTS);
  }
}
