package dev.overwatch.jobs.gold;

import static org.apache.spark.sql.functions.col;

import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.ConsumerView;
import dev.overwatch.jobs.engine.GoldModule;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.silver.WarehouseSpecSilver;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * 3018 Gold_Warehouse -> warehouse_gold (gold.md 3.19), view warehouse (presentation.md 3.16): the SQL warehouse
 * definitions of the window (create, edit, delete, snapImpute), renamed; silver 2021 filled them forward.
 */
public final class WarehouseGold extends GoldModule {
  public static final TargetTable TARGET = TargetTable.append("warehouse_gold", List.of("warehouse_id", "unixTimeMS"),
      List.of("unixTimeMS"), List.of(TargetTable.ORG));
  public static final ModuleSpec SPEC = ModuleSpec.of(3018, "Gold_Warehouse", Layer.GOLD, Scope.DBSQL, TARGET, 2021);
  static final ConsumerView VIEW = ConsumerView.of("warehouse", TARGET, "organization_id", "workspace_name",
      "warehouse_id", "warehouse_name", "service_name", "action_name", "user_email", "cluster_size",
      "min_num_clusters", "max_num_clusters", "auto_stop_mins", "spot_instance_policy", "enable_photon", "channel",
      "enable_serverless_compute", "warehouse_type", "warehouse_state", "size", "auto_resume", "creator_id", "tags",
      "num_clusters", "num_active_sessions", "jdbc_url", "unixTimeMS", "date", "created_by");

  public WarehouseGold() {
    super(SPEC, VIEW);
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    if (!ctx.tableExists(WarehouseSpecSilver.TARGET)) {
      throw new NoNewDataException("warehouse_spec_silver does not exist yet", true);
    }
    return ctx.readIncremental(WarehouseSpecSilver.TARGET, 0).select(col("warehouse_id"), col("warehouse_name"),
        col("organization_id"), col("serviceName").as("service_name"), col("actionName").as("action_name"),
        col("userEmail").as("user_email"), col("cluster_size"), col("min_num_clusters"), col("max_num_clusters"),
        col("auto_stop_mins"), col("spot_instance_policy"), col("enable_photon"), col("channel"),
        col("enable_serverless_compute"), col("warehouse_type"), col("warehouse_state"), col("size"),
        col("auto_resume"), col("creator_id"), col("tags"), col("num_clusters"), col("num_active_sessions"),
        col("jdbc_url"), col("timestamp").as("unixTimeMS"),
        dev.overwatch.jobs.silver.RuntimeStruct.secondsTimestamp(col("timestamp")).as("timestamp"), col("date"),
        col("createdBy").as("created_by"));
  }
}
