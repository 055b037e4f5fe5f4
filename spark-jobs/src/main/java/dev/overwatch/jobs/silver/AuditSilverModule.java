package dev.overwatch.jobs.silver;

import dev.overwatch.jobs.bronze.AuditLogBronze;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.NoNewDataException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A silver module that is a selection of the audit records of its window (audit_log_bronze[incr]). */
abstract class AuditSilverModule implements Module {
  private final ModuleSpec spec;

  AuditSilverModule(ModuleSpec spec) {
    this.spec = spec;
  }

  @Override
  public final ModuleSpec spec() {
    return spec;
  }

  @Override
  public final Dataset<Row> transform(ModuleContext ctx) {
    if (!ctx.tableExists(AuditLogBronze.TARGET)) {
      throw new NoNewDataException("audit_log_bronze does not exist yet", true);
    }
    return fromAudit(ctx.readIncremental(AuditLogBronze.TARGET, 0));
  }

  /** This module's rows of audit_log_bronze rows. */
  abstract Dataset<Row> fromAudit(Dataset<Row> audit);
}
