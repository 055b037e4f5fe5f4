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

/** 1010 Bronze_Token_Snapshot -> tokens_snapshot_bronze: one row per token of token/list. That endpoint lists only the caller's own tokens (kept for parity, see docs/bronze-api.md). */
public final class TokensSnapshotBronze implements Module {
  public static final TargetTable TARGET = SnapshotSupport.snapshotTarget("tokens_snapshot_bronze", "token_id");
  public static final ModuleSpec SPEC = ModuleSpec.of(1010, "Bronze_Token_Snapshot", Layer.BRONZE, Scope.ACCOUNTS, TARGET);
  static final StructType MINIMUM = SnapshotSupport.minimum(List.of("token_id", "creation_time:long", "expiry_time:long", "comment"));

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    List<String> rows = ctx.api().getAll("/api/2.0/token/list", Map.of(), "token_infos", Paging.NONE);
    return SnapshotSupport.fromApi(ctx, rows, "tokens", Map.of(), MINIMUM);
  }
}
