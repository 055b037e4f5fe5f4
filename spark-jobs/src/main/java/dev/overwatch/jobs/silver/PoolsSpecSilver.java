package dev.overwatch.jobs.silver;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.when;

import dev.overwatch.jobs.bronze.AuditLogBronze;
import dev.overwatch.jobs.bronze.PoolsSnapshotBronze;
import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.TableStore;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WriteMode;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * 2009 Silver_PoolsSpec -> pools_silver (modules.md 2009): instance pool create / edit / delete
 * audit events, each carrying the pool's whole definition. Values an event does not state (a
 * delete names only the pool) are filled forward from the pool's earlier events, including the
 * last one written by a previous run, then from the pools snapshot as of the event (or the first
 * later snapshot). On the first run, pools of the latest snapshot without an event get a
 * {@code snapImpute} row (gold.md 1.8).
 */
public final class PoolsSpecSilver implements Module {
  public static final TargetTable TARGET = TargetTable.merge("pools_silver", WriteMode.MERGE,
      List.of("instance_pool_id", "timestamp"), List.of("timestamp"), List.of("organization_id"), 0);
  public static final ModuleSpec SPEC = ModuleSpec.of(2009, "Silver_PoolsSpec", Layer.SILVER, Scope.POOLS, TARGET,
      1003, 1004);

  /** Definition columns, filled forward per pool with the snapshot as fallback. */
  static final List<String> FILLED = List.of("instance_pool_name", "node_type_id",
      "idle_instance_autotermination_minutes", "min_idle_instances", "max_capacity", "preloaded_spark_versions",
      "aws_attributes", "azure_attributes", "gcp_attributes", "custom_tags");
  static final List<String> OUTPUT = List.of("serviceName", "actionName", "organization_id", "timestamp", "date",
      "instance_pool_id", "instance_pool_name", "node_type_id", "idle_instance_autotermination_minutes",
      "min_idle_instances", "max_capacity", "preloaded_spark_versions", "aws_attributes", "azure_attributes",
      "gcp_attributes", "custom_tags", "create_details", "delete_details", "request_details");
  private static final String PRIOR = "__prior";
  private static final String SNAP = "poolSnapDetails";

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    if (!ctx.tableExists(PoolsSnapshotBronze.TARGET)) {
      throw new NoNewDataException("no pools in workspace", true);
    }
    Dataset<Row> snapshots = ctx.readAll(PoolsSnapshotBronze.TARGET);
    if (snapshots.isEmpty()) {
      throw new NoNewDataException("no pools in workspace", true);
    }
    boolean firstRun = ctx.window().firstRun() || !ctx.tableExists(TARGET);
    Dataset<Row> events = ctx.tableExists(AuditLogBronze.TARGET) ? events(ctx.readIncremental(AuditLogBronze.TARGET, 0))
        : null;
    boolean noEvents = events == null || events.isEmpty();
    if (noEvents && !firstRun) {
      throw new NoNewDataException("no instance pool events in the window", true);
    }
    Dataset<Row> rows = noEvents ? null : events;
    if (firstRun) {
      Dataset<Row> imputed = snapImputes(ctx, snapshots, events);
      rows = rows == null ? imputed : rows.unionByName(imputed);
    }
    rows = rows.withColumn(PRIOR, lit(false));
    if (ctx.tableExists(TARGET)) {
      rows = rows.unionByName(latestWritten(ctx, rows), true);
    }
    return fill(rows, snapshotDetails(snapshots)).where(col(PRIOR).equalTo(false))
        .select(OUTPUT.stream().map(c -> col(c)).toArray(Column[]::new));
  }

  /** Successful create / edit / delete events of instance pools, one row per event, attributes as maps. */
  static Dataset<Row> events(Dataset<Row> audit) {
    Column rp = col("requestParams");
    Column poolId = when(col("actionName").equalTo("create"),
        get_json_object(col("response.result"), "$.instance_pool_id")).otherwise(rp.getField("instance_pool_id"));
    Column ts = RuntimeStruct.secondsTimestamp(col("timestamp"));
    Column success = col("response.statusCode").equalTo(200);
    return audit.where(col("serviceName").equalTo("instancePools")
            .and(col("actionName").isin("create", "edit", "delete")).and(success))
        .select(col("serviceName"), col("actionName"), col("organization_id"), col("timestamp"),
            to_date(ts).as("date"), poolId.as("instance_pool_id"),
            rp.getField("instance_pool_name").as("instance_pool_name"), rp.getField("node_type_id").as("node_type_id"),
            rp.getField("idle_instance_autotermination_minutes").cast("long").as("idle_instance_autotermination_minutes"),
            rp.getField("min_idle_instances").cast("long").as("min_idle_instances"),
            rp.getField("max_capacity").cast("long").as("max_capacity"),
            // One spelling with the snapshot's: the JSON array re-serialised.
            to_json(from_json(rp.getField("preloaded_spark_versions"),
                DataTypes.createArrayType(DataTypes.StringType))).as("preloaded_spark_versions"),
            jsonMap(rp.getField("aws_attributes")).as("aws_attributes"),
            jsonMap(rp.getField("azure_attributes")).as("azure_attributes"),
            jsonMap(rp.getField("gcp_attributes")).as("gcp_attributes"),
            jsonMap(rp.getField("custom_tags")).as("custom_tags"),
            when(col("actionName").equalTo("create"), struct(col("userIdentity.email").as("created_by"),
                col("timestamp").as("created_at_epochMillis"), ts.as("created_at"))).as("create_details"),
            when(col("actionName").equalTo("delete"), struct(col("userIdentity.email").as("deleted_by"),
                col("timestamp").as("deleted_at_epochMillis"), ts.as("deleted_at"))).as("delete_details"),
            struct(col("requestId"), col("response"), col("sessionId"), col("sourceIPAddress"), col("userAgent"))
                .as("request_details"))
        .where(col("instance_pool_id").isNotNull())
        .dropDuplicates("organization_id", "instance_pool_id", "timestamp", "actionName");
  }

  /** Pools of the latest snapshot with no event in this batch, as snapImpute rows at the window start. */
  private static Dataset<Row> snapImputes(ModuleContext ctx, Dataset<Row> snapshots, Dataset<Row> events) {
    Dataset<Row> latest = snapshots.where(col(TableStore.SNAP_TS).equalTo(
        snapshots.agg(max(TableStore.SNAP_TS)).first().getTimestamp(0)));
    if (events != null) {
      latest = latest.join(events.select("instance_pool_id").distinct(), new String[] {"instance_pool_id"}, "left_anti");
    }
    return latest.select(lit("instancePools").as("serviceName"), lit("snapImpute").as("actionName"),
        col("organization_id"), lit(ctx.window().fromTS()).as("timestamp"), to_date(col(TableStore.SNAP_TS)).as("date"),
        col("instance_pool_id"), col("instance_pool_name"), col("node_type_id"),
        col("idle_instance_autotermination_minutes").cast("long").as("idle_instance_autotermination_minutes"),
        col("min_idle_instances").cast("long").as("min_idle_instances"),
        col("max_capacity").cast("long").as("max_capacity"),
        to_json(col("preloaded_spark_versions")).as("preloaded_spark_versions"),
        col("aws_attributes"), col("azure_attributes"), col("gcp_attributes"), col("custom_tags"),
        lit(null).cast(eventSchema("create_details")).as("create_details"),
        lit(null).cast(eventSchema("delete_details")).as("delete_details"),
        lit(null).cast(eventSchema("request_details")).as("request_details"));
  }

  private static String eventSchema(String column) {
    return switch (column) {
      case "create_details" -> "struct<created_by:string,created_at_epochMillis:bigint,created_at:timestamp>";
      case "delete_details" -> "struct<deleted_by:string,deleted_at_epochMillis:bigint,deleted_at:timestamp>";
      default -> "struct<requestId:string,response:struct<errorMessage:string,result:string,statusCode:bigint>,"
          + "sessionId:string,sourceIPAddress:string,userAgent:string>";
    };
  }

  /** The last row a previous run wrote for each pool of this batch, before the batch's first event. */
  private static Dataset<Row> latestWritten(ModuleContext ctx, Dataset<Row> batch) {
    Dataset<Row> pools = batch.groupBy("instance_pool_id").agg(org.apache.spark.sql.functions.min("timestamp").as("__first"));
    WindowSpec newest = Window.partitionBy("instance_pool_id").orderBy(col("timestamp").desc());
    return ctx.readAll(TARGET).join(pools, "instance_pool_id")
        .where(col("timestamp").lt(col("__first")))
        .withColumn("__rn", row_number().over(newest)).where(col("__rn").equalTo(1))
        .select(OUTPUT.stream().map(c -> col(c)).toArray(Column[]::new))
        .withColumn(PRIOR, lit(true));
  }

  /** Snapshot rows as (organization_id, instance_pool_id, timestamp = snapshot ms, poolSnapDetails). */
  private static Dataset<Row> snapshotDetails(Dataset<Row> snapshots) {
    List<Column> details = new ArrayList<>();
    for (String c : FILLED) {
      Column value = switch (c) {
        case "preloaded_spark_versions" -> to_json(col(c));
        case "idle_instance_autotermination_minutes", "min_idle_instances", "max_capacity" -> col(c).cast("long");
        default -> col(c);
      };
      details.add(value.as(c));
    }
    return snapshots.select(col("organization_id"), col("instance_pool_id"),
        unix_millis(col(TableStore.SNAP_TS)).as("timestamp"), struct(details.toArray(Column[]::new)).as(SNAP));
  }

  private static Dataset<Row> fill(Dataset<Row> rows, Dataset<Row> snapDetails) {
    Dataset<Row> withSnap = AsOfLookup.lookup(rows, snapDetails, "timestamp",
        List.of("organization_id", "instance_pool_id"), true);
    WindowSpec upToNow = Window.partitionBy("organization_id", "instance_pool_id").orderBy("timestamp")
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    for (String c : FILLED) {
      withSnap = withSnap.withColumn(c, coalesce(last(col(c), true).over(upToNow), col(SNAP + "." + c)));
    }
    return withSnap.withColumn("create_details", last(col("create_details"), true).over(upToNow)).drop(SNAP);
  }

  private static Column jsonMap(Column json) {
    return from_json(json, DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));
  }
}
