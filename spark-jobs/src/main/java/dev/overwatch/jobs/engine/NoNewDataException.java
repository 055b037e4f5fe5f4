package dev.overwatch.jobs.engine;

/** Nothing to do in this window; with progression the window is consumed, without it the next run retries it. */
public class NoNewDataException extends RuntimeException {
  private final boolean allowProgression;

  public NoNewDataException(String message, boolean allowProgression) {
    super(message);
    this.allowProgression = allowProgression;
  }

  public boolean allowProgression() {
    return allowProgression;
  }
}
