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

/** 1008 Bronze_Policies_Snapshot -> policies_snapshot_bronze: one row per cluster policy (definition stays a JSON string); a body with only total_count is empty. */
public final class PoliciesSnapshotBronze implements Module {
  public static final TargetTable TARGET = SnapshotSupport.snapshotTarget("policies_snapshot_bronze", "policy_id");
  public static final ModuleSpec SPEC = ModuleSpec.of(1008, "Bronze_Policies_Snapshot", Layer.BRONZE, Scope.CLUSTERS, TARGET);
  static final StructType MINIMUM = SnapshotSupport.minimum(List.of("policy_id", "name", "definition", "description", "creator_user_name", "created_at_timestamp:long"));

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    List<String> rows = ctx.api().getAll("/api/2.0/policies/clusters/list", Map.of(), "policies", Paging.NONE);
    return SnapshotSupport.fromApi(ctx, rows, "cluster policies", Map.of(), MINIMUM);
  }
}
