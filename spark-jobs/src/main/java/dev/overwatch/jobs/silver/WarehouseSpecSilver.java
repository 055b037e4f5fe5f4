package dev.overwatch.jobs.silver;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import dev.overwatch.jobs.bronze.AuditLogBronze;
import dev.overwatch.jobs.bronze.WarehousesSnapshotBronze;
import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.TableStore;
import dev.overwatch.jobs.engine.TargetTable;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * 2021 Silver_WarehouseSpec -> warehouse_spec_silver (modules.md 2021): successful create / edit / delete
 * audit events of SQL warehouses with the definition they state; values an event leaves out are filled from
 * the warehouse's earlier events (also the last row a previous run wrote), never from later ones (the
 * original's frame reached 1000 rows ahead: decision 402). On the first run, warehouses of the latest
 * snapshot with no event get a {@code snapImpute} row.
 */
public final class WarehouseSpecSilver implements Module {
  public static final TargetTable TARGET = TargetTable.append("warehouse_spec_silver",
      List.of("timestamp", "warehouse_id"), List.of("timestamp"), List.of(TargetTable.ORG)).withDedup();
  public static final ModuleSpec SPEC = ModuleSpec.of(2021, "Silver_WarehouseSpec", Layer.SILVER, Scope.DBSQL,
      TARGET, 1004, 1013);

  static final List<String> ACTIONS = List.of("createEndpoint", "editEndpoint", "createWarehouse", "editWarehouse",
      "deleteEndpoint", "deleteWarehouse");
  /** Definition columns filled forward per warehouse. */
  static final List<String> FILLED = List.of("warehouse_name", "cluster_size", "min_num_clusters", "max_num_clusters",
      "auto_stop_mins", "spot_instance_policy", "enable_photon", "channel", "tags", "enable_serverless_compute",
      "warehouse_type", "createdBy");
  static final List<String> OUTPUT = List.of("organization_id", "warehouse_id", "serviceName", "actionName",
      "warehouse_name", "cluster_size", "userEmail", "requestId", "response", "min_num_clusters", "max_num_clusters",
      "auto_stop_mins", "spot_instance_policy", "enable_photon", "channel", "tags", "enable_serverless_compute",
      "warehouse_type", "timestamp", "date", "createdBy", "warehouse_state", "size", "auto_resume", "creator_id",
      "num_clusters", "num_active_sessions", "jdbc_url", "odbc_params");
  private static final String PRIOR = "__prior";

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    boolean firstRun = ctx.window().firstRun() || !ctx.tableExists(TARGET);
    Dataset<Row> events = ctx.tableExists(AuditLogBronze.TARGET) ? events(ctx.readIncremental(AuditLogBronze.TARGET, 0))
        : null;
    boolean noEvents = events == null || events.isEmpty();
    Dataset<Row> imputed = firstRun && ctx.tableExists(WarehousesSnapshotBronze.TARGET)
        ? snapImputes(ctx.readAll(WarehousesSnapshotBronze.TARGET), events, ctx.window().fromTS()) : null;
    if (noEvents && (imputed == null || imputed.isEmpty())) {
      throw new NoNewDataException("no SQL warehouse create, edit or delete events in the window", true);
    }
    Dataset<Row> rows = noEvents ? imputed : imputed == null ? events : events.unionByName(imputed);
    rows = rows.withColumn(PRIOR, lit(false));
    if (ctx.tableExists(TARGET)) {
      rows = rows.unionByName(latestWritten(ctx.readAll(TARGET), rows));
    }
    WindowSpec upToNow = Window.partitionBy("organization_id", "warehouse_id").orderBy("timestamp")
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    for (String c : FILLED) {
      rows = rows.withColumn(c, last(col(c), true).over(upToNow));
    }
    return rows.where(col(PRIOR).equalTo(false)).select(OUTPUT.stream().map(c -> col(c)).toArray(Column[]::new));
  }

  /** Successful warehouse definition events of the audit log, one row per event. */
  static Dataset<Row> events(Dataset<Row> audit) {
    Column rp = col("requestParams");
    Column isCreate = col("actionName").isin("createEndpoint", "createWarehouse");
    Column id = when(isCreate, get_json_object(col("response.result"), "$.id")).otherwise(rp.getField("id"));
    return audit.where(col("serviceName").equalTo("databrickssql").and(col("actionName").isin(ACTIONS.toArray()))
            .and(col("response.statusCode").equalTo(200)))
        .select(col("organization_id"), id.as("warehouse_id"), col("serviceName"), col("actionName"),
            rp.getField("name").as("warehouse_name"), rp.getField("cluster_size").as("cluster_size"),
            col("userIdentity.email").as("userEmail"), col("requestId"), col("response"),
            rp.getField("min_num_clusters").cast("long").as("min_num_clusters"),
            rp.getField("max_num_clusters").cast("long").as("max_num_clusters"),
            rp.getField("auto_stop_mins").cast("long").as("auto_stop_mins"),
            rp.getField("spot_instance_policy").as("spot_instance_policy"),
            rp.getField("enable_photon").cast("boolean").as("enable_photon"),
            coalesce(get_json_object(rp.getField("channel"), "$.name"), rp.getField("channel")).as("channel"),
            tagMap("requestParams.tags").as("tags"),
            rp.getField("enable_serverless_compute").cast("boolean").as("enable_serverless_compute"),
            rp.getField("warehouse_type").as("warehouse_type"), col("timestamp"),
            to_date(RuntimeStruct.secondsTimestamp(col("timestamp"))).as("date"),
            when(isCreate, col("userIdentity.email")).as("createdBy"),
            lit(null).cast("string").as("warehouse_state"), lit(null).cast("string").as("size"),
            lit(null).cast("boolean").as("auto_resume"), lit(null).cast("long").as("creator_id"),
            lit(null).cast("long").as("num_clusters"), lit(null).cast("long").as("num_active_sessions"),
            lit(null).cast("string").as("jdbc_url"), lit(null).cast("map<string,string>").as("odbc_params"))
        .where(col("warehouse_id").isNotNull())
        .dropDuplicates("organization_id", "warehouse_id", "timestamp", "actionName");
  }

  /**
   * Warehouse tags of an audit event (a JSON string column, by SQL name) as a map: the API's
   * {"custom_tags":[{key,value}]} flattened as bronze 1013 does, or a plain JSON object of tags.
   */
  static Column tagMap(String jsonColumn) {
    String pairs = "from_json(get_json_object(" + jsonColumn + ", '$.custom_tags'), 'array<struct<key:string,value:string>>')";
    return expr("CASE WHEN " + jsonColumn + " IS NULL THEN NULL"
        + " WHEN get_json_object(" + jsonColumn + ", '$.custom_tags') IS NOT NULL"
        + " THEN map_from_entries(filter(" + pairs + ", t -> t.key IS NOT NULL))"
        + " ELSE from_json(" + jsonColumn + ", 'map<string,string>') END");
  }

  /** Warehouses of the latest snapshot with no event in this batch, as snapImpute rows at the window start. */
  static Dataset<Row> snapImputes(Dataset<Row> snapshots, Dataset<Row> events, long windowStart) {
    if (snapshots.isEmpty()) {
      return null;
    }
    Dataset<Row> latest = snapshots.where(col(TableStore.SNAP_TS).equalTo(
        snapshots.agg(max(TableStore.SNAP_TS)).first().getTimestamp(0)));
    if (events != null) {
      latest = latest.join(events.select("warehouse_id").distinct(), new String[] {"warehouse_id"}, "left_anti");
    }
    return latest.select(col("organization_id"), col("warehouse_id"), lit("warehouses").as("serviceName"),
        lit("snapImpute").as("actionName"), col("name").as("warehouse_name"), col("cluster_size"),
        lit(null).cast("string").as("userEmail"), lit(null).cast("string").as("requestId"),
        lit(null).cast("struct<errorMessage:string,result:string,statusCode:bigint>").as("response"),
        col("min_num_clusters"), col("max_num_clusters"), col("auto_stop_mins"), col("spot_instance_policy"),
        col("enable_photon"), col("channel.name").as("channel"), col("tags"), col("enable_serverless_compute"),
        col("warehouse_type"), lit(windowStart).as("timestamp"),
        to_date(RuntimeStruct.secondsTimestamp(lit(windowStart))).as("date"), col("creator_name").as("createdBy"),
        col("state").as("warehouse_state"), col("size"), col("auto_resume"), col("creator_id"), col("num_clusters"),
        col("num_active_sessions"), col("jdbc_url"), col("odbc_params"));
  }

  /** The last row a previous run wrote for each warehouse of this batch, before the batch's first row. */
  private static Dataset<Row> latestWritten(Dataset<Row> written, Dataset<Row> batch) {
    Dataset<Row> ids = batch.groupBy("organization_id", "warehouse_id")
        .agg(org.apache.spark.sql.functions.min("timestamp").as("__first"));
    WindowSpec newest = Window.partitionBy("organization_id", "warehouse_id").orderBy(col("timestamp").desc());
    return written.join(ids, ClusterSpecSilver.seq(List.of("organization_id", "warehouse_id")))
        .where(col("timestamp").lt(col("__first")))
        .withColumn("__rn", row_number().over(newest)).where(col("__rn").equalTo(1))
        .select(OUTPUT.stream().map(c -> col(c)).toArray(Column[]::new))
        .withColumn(PRIOR, lit(true));
  }
}
