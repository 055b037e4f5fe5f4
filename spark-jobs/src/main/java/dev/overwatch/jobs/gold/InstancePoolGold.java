package dev.overwatch.jobs.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.ConsumerView;
import dev.overwatch.jobs.engine.GoldModule;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.TableStore;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WriteMode;
import dev.overwatch.jobs.silver.PoolsSpecSilver;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * 3009 Gold_Pools -> instancepool_gold (gold.md 3.10), view instancepool (presentation.md 3.3): the
 * pool definitions of pools_silver as they are. Reads the silver rows written since this window
 * began (a full re-merge of pools_silver gives the same rows, docs/decisions.md).
 */
public final class InstancePoolGold extends GoldModule {
  public static final TargetTable TARGET = TargetTable.merge("instancepool_gold", WriteMode.MERGE,
      List.of("instance_pool_id", "timestamp"), List.of("timestamp"), List.of("organization_id"), 0);
  public static final ModuleSpec SPEC = ModuleSpec.of(3009, "Gold_Pools", Layer.GOLD, Scope.POOLS, TARGET, 2009);
  static final ConsumerView VIEW = ConsumerView.of("instancepool", TARGET, "organization_id", "workspace_name",
      "instance_pool_id", "serviceName", "timestamp", "date", "actionName", "instance_pool_name", "node_type_id",
      "idle_instance_autotermination_minutes", "min_idle_instances", "max_capacity", "preloaded_spark_versions",
      "azure_attributes", "aws_attributes", "gcp_attributes", "custom_tags", "create_details", "delete_details",
      "request_details");
  /** gold.md 3.10 column order. */
  static final List<String> COLUMNS = List.of("serviceName", "actionName", "organization_id", "timestamp", "date",
      "instance_pool_id", "instance_pool_name", "node_type_id", "idle_instance_autotermination_minutes",
      "min_idle_instances", "max_capacity", "preloaded_spark_versions", "aws_attributes", "azure_attributes",
      "gcp_attributes", "custom_tags", "create_details", "delete_details", "request_details");

  public InstancePoolGold() {
    super(SPEC, VIEW);
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    if (!ctx.tableExists(PoolsSpecSilver.TARGET)) {
      throw new NoNewDataException(PoolsSpecSilver.TARGET.name() + " does not exist yet", true);
    }
    return ctx.readAll(PoolsSpecSilver.TARGET)
        .where(col(TableStore.SNAP_TS).gt(lit(new Timestamp(ctx.window().fromTS()))))
        .select(COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new));
  }
}
