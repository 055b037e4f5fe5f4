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

/** 1007 Bronze_Libraries_Snapshot -> libs_snapshot_bronze: one row per cluster with its library_statuses, stored as returned. */
public final class LibsSnapshotBronze implements Module {
  public static final TargetTable TARGET = SnapshotSupport.snapshotTarget("libs_snapshot_bronze", "cluster_id");
  public static final ModuleSpec SPEC = ModuleSpec.of(1007, "Bronze_Libraries_Snapshot", Layer.BRONZE, Scope.CLUSTERS, TARGET);
  static final StructType MINIMUM = SnapshotSupport.minimum(List.of("cluster_id"));

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    List<String> rows = ctx.api().getAll("/api/2.0/libraries/all-cluster-statuses", Map.of(), "statuses", Paging.NONE);
    return SnapshotSupport.fromApi(ctx, rows, "library statuses", Map.of(), MINIMUM);
  }
}
