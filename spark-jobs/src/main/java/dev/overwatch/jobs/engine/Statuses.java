package dev.overwatch.jobs.engine;

/** Status texts written to pipeline_report (pipeline.md 2.7). */
public final class Statuses {
  public static final String SUCCESS = "SUCCESS";
  public static final String EMPTY_PREFIX = "EMPTY";
  public static final String FAILED_PREFIX = "FAILED";
  public static final String ROLLED_BACK = "ROLLED_BACK";
  /** Written when a module starts; invisible to state loading, it lets the next run find a process that died. */
  public static final String RUNNING = "RUNNING";

  /** A failure whose rollback failed: it leaves its execution open, so the next run retries the rollback. */
  public static final String ROLLBACK_FAILED_PREFIX = FAILED_PREFIX + " --> ROLLBACK FAILED";

  private Statuses() {}

  public static String empty(String message) {
    return EMPTY_PREFIX + ": " + message;
  }

  public static String failed(boolean rollbackSucceeded, String error) {
    return FAILED_PREFIX + " --> " + (rollbackSucceeded ? "ROLLBACK SUCCESSFUL" : "ROLLBACK FAILED") + "\nERROR:\n" + error;
  }
}
