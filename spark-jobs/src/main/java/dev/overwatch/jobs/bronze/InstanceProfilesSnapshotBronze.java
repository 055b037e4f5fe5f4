package dev.overwatch.jobs.bronze;

import dev.overwatch.api.v1alpha1.OverwatchDeploymentSpec;
import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.SchemaEnforcer;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WorkspaceConfig;
import dev.overwatch.jobs.sources.DatabricksApi.Paging;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/** 1009 Bronze_Instance_Profile_Snapshot -> instance_profiles_snapshot_bronze: one row per instance profile (AWS only). Keyed by instance_profile_arn: the original declared cluster_id, which this data does not have. */
public final class InstanceProfilesSnapshotBronze implements Module {
  public static final TargetTable TARGET = SnapshotSupport.snapshotTarget("instance_profiles_snapshot_bronze", "instance_profile_arn");
  public static final ModuleSpec SPEC = ModuleSpec.of(1009, "Bronze_Instance_Profile_Snapshot", Layer.BRONZE, Scope.CLUSTERS, TARGET);
  static final StructType MINIMUM = SnapshotSupport.minimum(List.of("instance_profile_arn", "is_meta_instance_profile:boolean"));

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  /** Instance profiles exist on AWS only. */
  @Override
  public boolean appliesTo(WorkspaceConfig workspace, OverwatchDeploymentSpec deployment) {
    return "AWS".equalsIgnoreCase(workspace.cloud());
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    List<String> rows = ctx.api().getAll("/api/2.0/instance-profiles/list", Map.of(), "instance_profiles", Paging.NONE);
    return SnapshotSupport.fromApi(ctx, rows, "instance profiles", Map.of(), MINIMUM);
  }
}
