package dev.overwatch.jobs.engine;

import static org.apache.spark.sql.functions.lit;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Lets tests run one module transform and commit its outputs the way ModuleExecutor does. */
public final class EngineTestAccess {
  private EngineTestAccess() {}

  /** What one committed transform produced; rows = -1 when the module reported no new data. */
  public record Outcome(long rows, long quarantined, String emptyReason) {}

  public static Outcome runAndCommit(Module module, ModuleContext ctx, TableStore store, String workspaceName) {
    TableStore.WriteRequest request = new TableStore.WriteRequest(ctx.organizationId(), workspaceName, ctx.runId(),
        ctx.snapshot(), ctx.window(), ctx.zone(), 0);
    long rows = -1;
    String empty = null;
    try {
      Dataset<Row> out = module.transform(ctx);
      rows = store.write(module.spec().target(), out, request).rows();
    } catch (NoNewDataException e) {
      empty = e.getMessage();
    }
    for (Map.Entry<TargetTable, Dataset<Row>> side : ctx.sideOutputs().entrySet()) {
      store.write(side.getKey(), side.getValue(), request);
    }
    long quarantined = 0;
    if (!ctx.quarantined().isEmpty()) {
      Dataset<Row> bad = ctx.quarantined().stream().reduce(Dataset::unionByName).orElseThrow()
          .withColumn("moduleID", lit(module.spec().id())).withColumn("moduleName", lit(module.spec().name()));
      quarantined = store.write(Quarantine.TABLE, bad, request).rows();
    }
    return new Outcome(rows, quarantined, empty);
  }
}
