package dev.overwatch.jobs.bronze;

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
import org.apache.spark.sql.types.StructType;

/** 1011 Bronze_Global_Init_Scripts_Snapshot -> global_inits_snapshot_bronze: one row per global init script. */
public final class GlobalInitsSnapshotBronze implements Module {
  public static final TargetTable TARGET = SnapshotSupport.snapshotTarget("global_inits_snapshot_bronze", "script_id");
  public static final ModuleSpec SPEC = ModuleSpec.of(1011, "Bronze_Global_Init_Scripts_Snapshot", Layer.BRONZE, Scope.ACCOUNTS, TARGET);
  static final StructType MINIMUM = SnapshotSupport.minimum(List.of("script_id", "name", "position:long", "enabled:boolean", "created_by", "created_at:long", "updated_by", "updated_at:long"));

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    List<String> rows = ctx.api().getAll("/api/2.0/global-init-scripts", Map.of(), "scripts", Paging.NONE);
    return SnapshotSupport.fromApi(ctx, rows, "global init scripts", Map.of(), MINIMUM);
  }
}
