package dev.overwatch.jobs.engine;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

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

    String org = run.workspace().organizationId();
    run.checkLease();
    String deadRunProblem = cleanUpAfterDeadRuns(spec);
    if (deadRunProblem != null) {
      // The table is not back in a known state: running now would build on the dead run's rows.
      return report(spec, window, 0, Statuses.failed(false, deadRunProblem), Outcome.FAILED, 0, 0, Map.of(),
          deadRunProblem, window.untilTS(), null);
    }
    long attempt = run.report().attempts(spec.id(), run.runId());
    String attemptId = attemptId(org, spec.id(), run.runId(), attempt);
    // Durable before anything is written (a kill then leaves an open execution), in one commit with the outcome
    // rows deferred so far.
    run.report().commit(entry(spec, window, start, start, Statuses.RUNNING, 0, 0, Map.of(), attemptId));
    TableStore.WriteRequest request = run.writeRequest(window, attempt, attemptId);

    ModuleContext ctx = run.newContext(spec, window);
    Dataset<Row> output = null;
    try {
      long quarantined;
      long rows = 0;
      Map<String, String> metrics = Map.of();
      String emptyReason = null;
      try {
        run.faults().beforeWrite(spec.id());
        run.apiTrace().ifPresent(ApiTrace::drain);  // requests made outside any module belong to none
        output = module.transform(ctx).persist(StorageLevel.MEMORY_AND_DISK());
        if (output.isEmpty()) {
          emptyReason = "no new data in the window";
        } else {
          run.checkLease();
          TableStore.WriteResult result = run.store().write(spec.target(), output, request);
          rows = result.rows();
          metrics = result.metrics();
          run.faults().afterTarget(spec.id());
        }
      } catch (NoNewDataException e) {
        if (!e.allowProgression()) {
          quarantined = writeExtras(spec, ctx, request);
          run.faults().afterWrite(spec.id());
          return report(spec, window, start, Statuses.empty(e.getMessage()), Outcome.EMPTY, 0, quarantined, Map.of(),
              e.getMessage(), window.fromTS(), attemptId);
        }
        emptyReason = e.getMessage();
      }
      quarantined = writeExtras(spec, ctx, request);
      run.faults().afterWrite(spec.id());
      if (emptyReason != null) {
        return report(spec, window, start, Statuses.empty(emptyReason), Outcome.EMPTY, 0, quarantined, Map.of(),
            emptyReason, window.untilTS(), attemptId);
      }
      return report(spec, window, start, Statuses.SUCCESS, Outcome.SUCCESS, rows, quarantined, metrics, "",
          window.untilTS(), attemptId);
    } catch (Exception e) {
      // Exception, not RuntimeException: Spark's AnalysisException (e.g. a Delta schema conflict) is checked.
      LOG.error("Module {} ({}) failed for workspace {}", spec.id(), spec.name(), run.workspace().name(), e);
      boolean rolledBack = rollback(spec, run.runId(), attemptId);
      String error = stackTrace(e);
      // A failed rollback leaves the execution open (ROLLBACK FAILED does not close it): the next run retries it.
      return report(spec, window, 0, Statuses.failed(rolledBack, error), Outcome.FAILED, 0, 0, Map.of(),
          firstLine(e), window.untilTS(), attemptId);
    } finally {
      if (output != null) {
        output.unpersist();
      }
      run.deleteTempDir(ctx);
    }
  }

  /** Side outputs and quarantined records, committed after the target; returns the quarantine count. */
  private long writeExtras(ModuleSpec spec, ModuleContext ctx, TableStore.WriteRequest request) {
    for (Map.Entry<TargetTable, Dataset<Row>> side : ctx.sideOutputs().entrySet()) {
      run.store().write(side.getKey(), side.getValue(), request);
    }
    List<dev.overwatch.jobs.sources.ApiCall> calls = run.apiTrace().map(ApiTrace::drain).orElse(List.of());
    if (!calls.isEmpty()) {
      run.store().write(ApiTrace.TABLE, ApiTrace.rows(run.store().spark(), calls, spec,
          run.workspace().organizationId(), run.snapshot()), request);
    }
    return Quarantine.write(run.store(), ctx.quarantined(), spec.id(), spec.name(), request);
  }

  /** Tag of one execution: workspace, module, run and the run's attempt number (a retried layer reuses its run id). */
  static String attemptId(String organizationId, int moduleId, String runId, long attempt) {
    return "overwatch:" + organizationId + ":" + moduleId + ":" + runId + ":" + attempt;
  }

  /**
   * A previous process died inside this module (or its rollback failed): put its tables back and close its
   * execution. Keyed by execution, not run, so a run killed twice is cleaned twice. Returns why the cleanup
   * failed, or null.
   */
  private String cleanUpAfterDeadRuns(ModuleSpec spec) {
    String org = run.workspace().organizationId();
    for (PipelineReport.OpenAttempt dead : run.report().openAttempts(spec.id())) {
      LOG.warn("Module {} execution {} never finished for workspace {}; rolling back its writes", spec.id(),
          dead.attemptId(), run.workspace().name());
      if (!rollback(spec, dead.runId(), dead.attemptId())) {
        return "the rollback of execution " + dead.attemptId() + " failed; it is retried on the next run";
      }
      run.report().commit(new PipelineReport.Entry(org, run.workspace().name(), spec.id(), spec.name(),
          run.primordialDate(), 0, 0, 0, 0,
          Statuses.failed(true, (dead.rollbackFailed() ? "the rollback after its failure had failed"
              : "the process ended inside the module") + "; its writes were rolled back by run " + run.runId()
              + " at " + java.time.Instant.now()),
          0, 0, Map.of(), run.inputConfig(), run.parsedConfig(), run.snapshot(), dead.runId(), dead.attemptId()));
    }
    return null;
  }

  private boolean rollback(ModuleSpec spec, String runId, String attemptId) {
    String org = run.workspace().organizationId();
    try {
      run.faults().inRollback(spec.id());
      run.store().rollback(spec.target(), org, runId, attemptId, lit(true));
      for (TargetTable side : spec.sideTargets()) {
        run.store().rollback(side, org, runId, attemptId, lit(true));
      }
      run.store().rollback(Quarantine.TABLE, org, runId, attemptId, col("moduleID").equalTo(spec.id()));
      run.store().rollback(ApiTrace.TABLE, org, runId, attemptId, col("moduleId").equalTo(spec.id()));
      return true;
    } catch (RuntimeException e) {
      LOG.error("Rollback of module {} execution {} failed", spec.id(), attemptId, e);
      return false;
    }
  }

  private ModuleResult report(ModuleSpec spec, TimeWindow window, long start, String status, Outcome outcome,
      long rows, long quarantined, Map<String, String> metrics, String message, long writtenUntil) {
    return report(spec, window, start, status, outcome, rows, quarantined, metrics, message, writtenUntil, null);
  }

  private ModuleResult report(ModuleSpec spec, TimeWindow window, long start, String status, Outcome outcome,
      long rows, long quarantined, Map<String, String> metrics, String message, long writtenUntil, String attemptId) {
    long end = outcome == Outcome.FAILED ? 0 : System.currentTimeMillis();
    String bounded = status.length() > MAX_STATUS_CHARS ? status.substring(0, MAX_STATUS_CHARS) : status;
    TimeWindow written = new TimeWindow(window.fromTS(), writtenUntil, window.firstRun());
    // Committed with the next module's RUNNING marker or at the end of the layer: one commit instead of two.
    run.report().defer(entry(spec, written, start, end, bounded, rows, quarantined, metrics, attemptId));
    return new ModuleResult(run.workspace().name(), run.workspace().organizationId(), spec.id(), spec.name(),
        spec.layer(), outcome, window.fromTS(), writtenUntil, rows, quarantined, message);
  }

  private PipelineReport.Entry entry(ModuleSpec spec, TimeWindow window, long start, long end, String status,
      long rows, long quarantined, Map<String, String> metrics, String attemptId) {
    return new PipelineReport.Entry(run.workspace().organizationId(), run.workspace().name(), spec.id(), spec.name(),
        run.primordialDate(), start, end, window.fromTS(), window.untilTS(), status, rows, quarantined, metrics,
        run.inputConfig(), run.parsedConfig(), run.snapshot(), run.runId(), attemptId);
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
