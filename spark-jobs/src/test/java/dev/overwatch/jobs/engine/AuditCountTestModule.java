package dev.overwatch.jobs.engine;

import static org.apache.spark.sql.functions.lit;

import dev.overwatch.jobs.bronze.AuditLogBronze;
import dev.overwatch.jobs.config.Scope;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A test module downstream of 1004: counts audit events per service in its window. */
final class AuditCountTestModule implements Module {
  static final TargetTable TARGET = TargetTable.append("audit_counts_test_bronze", List.of("serviceName"),
      List.of(TableStore.SNAP_TS), List.of(TargetTable.ORG));
  static final ModuleSpec SPEC = ModuleSpec.of(9002, "Test_AuditCounts", Layer.BRONZE, Scope.AUDIT, TARGET, 1004);

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    return ctx.readIncremental(AuditLogBronze.TARGET, 0)
        .where(org.apache.spark.sql.functions.col("timestamp").lt(ctx.window().untilTS()))
        .groupBy("serviceName").count()
        .withColumn(TargetTable.ORG, lit(ctx.organizationId()));
  }
}
