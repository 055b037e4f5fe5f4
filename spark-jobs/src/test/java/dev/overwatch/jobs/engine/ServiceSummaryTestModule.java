package dev.overwatch.jobs.engine;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import dev.overwatch.jobs.bronze.AuditLogBronze;
import dev.overwatch.jobs.config.Scope;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * A silver test module with a MERGE target (one row per service, updated by every window that sees the
 * service) that also quarantines one record per window: the shape of every Spark silver/gold module, for
 * the rollback and quarantine tests.
 */
final class ServiceSummaryTestModule implements Module {
  static final TargetTable TARGET = TargetTable.merge("service_summary_test_silver", WriteMode.MERGE,
      List.of("serviceName"), List.of(), List.of(TargetTable.ORG), 33);
  static final ModuleSpec SPEC = ModuleSpec.of(9003, "Test_ServiceSummary", Layer.SILVER, Scope.AUDIT, TARGET, 1004);

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    ctx.quarantine(ctx.spark().createDataFrame(List.of(RowFactory.create(ctx.organizationId(),
        "test:" + ctx.window().fromTS(), "0", "test quarantine of module 9003", "{}")), Quarantine.SCHEMA));
    return ctx.readIncremental(AuditLogBronze.TARGET, 0)
        .where(col("timestamp").lt(ctx.window().untilTS()))
        .groupBy("serviceName").agg(count(lit(1)).as("events"), max("timestamp").as("lastSeen"))
        .withColumn(TargetTable.ORG, lit(ctx.organizationId()));
  }
}
