package dev.overwatch.jobs.engine;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.substring;

import dev.overwatch.jobs.engine.ModuleResult.Outcome;
import dev.overwatch.jobs.engine.WindowPlanner.Block;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one module for one workspace: window, dependency checks, transform, writes, quarantine,
 * report, and rollback of everything the run wrote when anything fails (pipeline.md 2.6, 4.3, 6.1).
 */
final class ModuleExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(ModuleExecutor.class);
  private static final int MAX_STATUS_CHARS = 8_000;

  private final WorkspaceRun run;

  ModuleExecutor(WorkspaceRun run) {
    this.run = run;
  }

  ModuleResult execute(Module module, Map<Integer, ModuleState> states) {
    ModuleSpec spec = module.spec();
    long start = System.currentTimeMillis();
    List<Integer> dependencies = run.applicableDependencies(spec);
    WindowPlanner.Plan plan = run.planner().plan(spec, Optional.ofNullable(states.get(spec.id())).filter(ModuleState::isValid),
        dependencies, states);
    TimeWindow window = plan.window();

    if (run.settings().disabledModules().contains(spec.id())) {
      return report(spec, window, start, Statuses.failed(true, "MODULE DISABLED"), Outcome.FAILED, 0, 0, Map.of(),
          "module disabled", window.untilTS());
    }
    if (plan.block() == Block.DEPENDENCY_FAILED) {
      return report(spec, window, start, Statuses.empty(plan.reason()), Outcome.NOT_RUN, 0, 0, Map.of(), plan.reason(),
          window.fromTS());
    }
    if (plan.block() == Block.DEPENDENCY_NEVER_RAN) {
      return report(spec, window, start, Statuses.empty(plan.reason()), Outcome.EMPTY, 0, 0, Map.of(), plan.reason(),
          window.fromTS());
    }
    if (window.isEmpty()) {
      String why = dependencies.isEmpty()
          ? "window is empty: already loaded up to the snapshot time"
          : "window is empty: upstream at or behind this module";
      return report(spec, window, start, Statuses.empty(why), Outcome.EMPTY, 0, 0, Map.of(), why, window.fromTS());
    }

    cleanUpAfterDeadRuns(spec);
    long attempt = run.report().attempts(run.workspace().organizationId(), spec.id(), run.runId());
    run.report().append(entry(spec, window, start, start, Statuses.RUNNING, 0, 0, Map.of()));

    ModuleContext ctx = run.newContext(spec, window);
    Dataset<Row> output = null;
    try {
      long quarantined;
      long rows = 0;
      Map<String, String> metrics = Map.of();
      String emptyReason = null;
      try {
        output = module.transform(ctx).persist(StorageLevel.MEMORY_AND_DISK());
        if (output.isEmpty()) {
          emptyReason = "no new data in the window";
        } else {
          TableStore.WriteResult result = run.store().write(spec.target(), output, run.writeRequest(window, attempt));
          rows = result.rows();
          metrics = result.metrics();
        }
      } catch (NoNewDataException e) {
        if (!e.allowProgression()) {
          quarantined = writeExtras(spec, ctx, window, attempt);
          run.faults().afterWrite(spec.id());
          return report(spec, window, start, Statuses.empty(e.getMessage()), Outcome.EMPTY, 0, quarantined, Map.of(),
              e.getMessage(), window.fromTS());
        }
        emptyReason = e.getMessage();
      }
      quarantined = writeExtras(spec, ctx, window, attempt);
      run.faults().afterWrite(spec.id());
      if (emptyReason != null) {
        return report(spec, window, start, Statuses.empty(emptyReason), Outcome.EMPTY, 0, quarantined, Map.of(),
            emptyReason, window.untilTS());
      }
      return report(spec, window, start, Statuses.SUCCESS, Outcome.SUCCESS, rows, quarantined, metrics, "",
          window.untilTS());
    } catch (Exception e) {
      // Exception, not RuntimeException: Spark's AnalysisException (e.g. a Delta schema conflict) is checked.
      LOG.error("Module {} ({}) failed for workspace {}", spec.id(), spec.name(), run.workspace().name(), e);
      boolean rolledBack = rollback(spec, run.runId());
      String error = stackTrace(e);
      return report(spec, window, 0, Statuses.failed(rolledBack, error), Outcome.FAILED, 0, 0, Map.of(),
          firstLine(e), window.untilTS());
    } finally {
      if (output != null) {
        output.unpersist();
      }
      run.deleteTempDir(ctx);
    }
  }

  /** Side outputs and quarantined records, committed after the target; returns the quarantine count. */
  private long writeExtras(ModuleSpec spec, ModuleContext ctx, TimeWindow window, long attempt) {
    for (Map.Entry<TargetTable, Dataset<Row>> side : ctx.sideOutputs().entrySet()) {
      run.store().write(side.getKey(), side.getValue(), run.writeRequest(window, attempt));
    }
    if (ctx.quarantined().isEmpty()) {
      return 0;
    }
    Dataset<Row> bad = ctx.quarantined().stream().reduce(Dataset::unionByName).orElseThrow()
        .withColumn("record", substring(col("record"), 1, Quarantine.MAX_RECORD_CHARS))
        .withColumn("moduleID", lit(spec.id()))
        .withColumn("moduleName", lit(spec.name()));
    return run.store().write(Quarantine.TABLE, bad, run.writeRequest(window, attempt).forWriter(String.valueOf(spec.id())))
        .rows();
  }

  /** A previous process died inside this module: remove what it wrote and close its report (exactly-once). */
  private void cleanUpAfterDeadRuns(ModuleSpec spec) {
    for (String deadRun : run.report().unfinishedRuns(run.workspace().organizationId(), spec.id())) {
      LOG.warn("Module {} of run {} never finished for workspace {}; removing its rows", spec.id(), deadRun,
          run.workspace().name());
      boolean ok = rollback(spec, deadRun);
      long now = System.currentTimeMillis();
      run.report().append(new PipelineReport.Entry(run.workspace().organizationId(), run.workspace().name(), spec.id(),
          spec.name(), run.primordialDate(), 0, 0, 0, 0,
          Statuses.failed(ok, "the process ended inside the module; its rows were removed by run " + run.runId()
              + " at " + java.time.Instant.ofEpochMilli(now)),
          0, 0, Map.of(), run.inputConfig(), run.parsedConfig(), run.snapshot(), deadRun));
    }
  }

  private boolean rollback(ModuleSpec spec, String runId) {
    String org = run.workspace().organizationId();
    try {
      run.store().deleteRun(spec.target(), org, runId);
      for (TargetTable side : spec.sideTargets()) {
        run.store().deleteRun(side, org, runId);
      }
      run.store().deleteRun(Quarantine.TABLE, org, runId, col("moduleID").equalTo(spec.id()));
      return true;
    } catch (RuntimeException e) {
      LOG.error("Rollback of module {} for run {} failed", spec.id(), runId, e);
      return false;
    }
  }

  private ModuleResult report(ModuleSpec spec, TimeWindow window, long start, String status, Outcome outcome,
      long rows, long quarantined, Map<String, String> metrics, String message, long writtenUntil) {
    long end = outcome == Outcome.FAILED ? 0 : System.currentTimeMillis();
    String bounded = status.length() > MAX_STATUS_CHARS ? status.substring(0, MAX_STATUS_CHARS) : status;
    TimeWindow written = new TimeWindow(window.fromTS(), writtenUntil, window.firstRun());
    run.report().append(entry(spec, written, start, end, bounded, rows, quarantined, metrics));
    return new ModuleResult(run.workspace().name(), run.workspace().organizationId(), spec.id(), spec.name(),
        spec.layer(), outcome, window.fromTS(), writtenUntil, rows, quarantined, message);
  }

  private PipelineReport.Entry entry(ModuleSpec spec, TimeWindow window, long start, long end, String status,
      long rows, long quarantined, Map<String, String> metrics) {
    return new PipelineReport.Entry(run.workspace().organizationId(), run.workspace().name(), spec.id(), spec.name(),
        run.primordialDate(), start, end, window.fromTS(), window.untilTS(), status, rows, quarantined, metrics,
        run.inputConfig(), run.parsedConfig(), run.snapshot(), run.runId());
  }

  private static String stackTrace(Throwable e) {
    StringWriter sw = new StringWriter();
    e.printStackTrace(new PrintWriter(sw));
    return sw.toString();
  }

  private static String firstLine(Throwable e) {
    List<String> messages = new ArrayList<>();
    for (Throwable t = e; t != null && messages.size() < 3; t = t.getCause()) {
      if (t.getMessage() != null) {
        messages.add(t.getMessage().lines().findFirst().orElse(""));
      }
    }
    String msg = messages.isEmpty() ? e.getClass().getSimpleName() : String.join(" <- ", messages);
    return msg.length() > 300 ? msg.substring(0, 300) : msg;
  }
}
