package dev.overwatch.jobs.engine;

/** Outcome of one module for one workspace in one run. */
public record ModuleResult(String workspace, String organizationId, int moduleId, String moduleName, Layer layer,
    Outcome outcome, long fromTS, long untilTS, long rows, long quarantined, String message) {

  /** Coarse status for the summary; the report keeps the full text. */
  public enum Outcome { SUCCESS, EMPTY, FAILED, NOT_RUN }

  public boolean failed() {
    return outcome == Outcome.FAILED;
  }
}
