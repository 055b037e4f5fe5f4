package dev.overwatch.jobs.bronze;

import static dev.overwatch.jobs.bronze.SnapshotSupport.STRING_MAP;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.SchemaEnforcer;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.sources.DatabricksApi.Paging;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * 1013 Bronze_Warehouses_Snapshot -> warehouses_snapshot_bronze: every SQL warehouse; id renamed
 * warehouse_id, odbc_params as a map, and tags.custom_tags [{key, value}] flattened into a tag map
 * (the original kept the serialised array under one key "custom_tags": fixed, see docs/bronze-api.md).
 */
public final class WarehousesSnapshotBronze implements Module {
  public static final TargetTable TARGET = SnapshotSupport.snapshotTarget("warehouses_snapshot_bronze", "warehouse_id");
  public static final ModuleSpec SPEC = ModuleSpec.of(1013, "Bronze_Warehouses_Snapshot", Layer.BRONZE, Scope.DBSQL, TARGET);
  /** warehouseSnapMinimumSchema (inputs.md 2.3); warehouse_id is required. */
  static final StructType MINIMUM = new StructType()
      .add("warehouse_id", DataTypes.StringType, false)
      .add("channel", SchemaEnforcer.fields("name", "dbsql_version"), true)
      .merge(SnapshotSupport.minimum(List.of("name", "size", "cluster_size", "min_num_clusters:long",
          "max_num_clusters:long", "auto_stop_mins:long", "auto_resume:boolean", "creator_name", "creator_id:long",
          "spot_instance_policy", "enable_photon:boolean", "enable_serverless_compute:boolean", "warehouse_type",
          "num_clusters:long", "num_active_sessions:long", "state", "jdbc_url"), "tags", "odbc_params"), true);
  private static final StructType KEY_VALUE = SchemaEnforcer.fields("key", "value");
  private static final Map<String, DataType> SHAPES = Map.of(
      "odbc_params", STRING_MAP,
      "tags", new StructType().add("custom_tags", DataTypes.createArrayType(KEY_VALUE, true), true));

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    List<String> warehouses = ctx.api().getAll("/api/2.0/sql/warehouses", Map.of(), "warehouses", Paging.NONE);
    Dataset<Row> df = SnapshotSupport.fromApi(ctx,
        SnapshotSupport.loadable(ctx, warehouses, "SQL warehouses", MINIMUM), "SQL warehouses", SHAPES);
    if (Arrays.asList(df.columns()).contains("tags")) {
      df = df.withColumn("tags", expr("map_from_entries(filter(tags.custom_tags, t -> t.key IS NOT NULL))"));
    }
    if (Arrays.asList(df.columns()).contains("id")) {
      df = df.withColumnRenamed("id", "warehouse_id");
    }
    return SchemaEnforcer.enforce(df, MINIMUM).where(col("warehouse_id").isNotNull());
  }
}
