package dev.overwatch.jobs.bronze;

import static dev.overwatch.jobs.bronze.SnapshotSupport.STRING_MAP;

import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.SchemaEnforcer;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.sources.DatabricksApi.Paging;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** 1003 Bronze_Pools_Snapshot -> pools_snapshot_bronze: every instance pool, tags and cloud attributes as maps. */
public final class PoolsSnapshotBronze implements Module {
  public static final TargetTable TARGET = SnapshotSupport.snapshotTarget("pools_snapshot_bronze", "instance_pool_id");
  public static final ModuleSpec SPEC = ModuleSpec.of(1003, "Bronze_Pools_Snapshot", Layer.BRONZE, Scope.POOLS, TARGET);
  /** poolsSnapMinimumSchema (modules.md 1003). */
  static final StructType MINIMUM = SnapshotSupport.minimum(List.of("instance_pool_id", "instance_pool_name",
          "node_type_id", "idle_instance_autotermination_minutes:long", "min_idle_instances:long", "max_capacity:long"),
      "custom_tags", "default_tags", "aws_attributes", "azure_attributes", "gcp_attributes")
      .add("preloaded_spark_versions", DataTypes.createArrayType(DataTypes.StringType, true), true);
  private static final Map<String, DataType> SHAPES = SnapshotSupport.shapes(
      Map.of("custom_tags", STRING_MAP, "default_tags", STRING_MAP, "aws_attributes", STRING_MAP,
          "azure_attributes", STRING_MAP, "gcp_attributes", STRING_MAP));

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    List<String> pools = ctx.api().getAll("/api/2.0/instance-pools/list", Map.of(), "instance_pools", Paging.NONE);
    return SnapshotSupport.fromApi(ctx, pools, "instance pools", SHAPES, MINIMUM);
  }
}
