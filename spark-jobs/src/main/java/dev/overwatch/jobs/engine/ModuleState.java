package dev.overwatch.jobs.engine;

/** The last known outcome of a module for one workspace, as loaded from pipeline_report or set in this run. */
public record ModuleState(int moduleId, long fromTS, long untilTS, String status) {

  /** SUCCESS and EMPTY rows are states a next window may start from (pipeline.md 2.7). */
  public boolean isValid() {
    return isValidStatus(status);
  }

  public static boolean isValidStatus(String status) {
    return status != null && (status.equals(Statuses.SUCCESS) || status.startsWith(Statuses.EMPTY_PREFIX));
  }
}
