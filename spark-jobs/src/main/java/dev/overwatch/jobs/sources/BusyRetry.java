package dev.overwatch.jobs.sources;

/**
 * Backoff for busy answers (429 and every 5xx), inputs.md 2.1: the n-th consecutive busy answer
 * waits {@code 1 + (n mod 5)} seconds while n <= 5, then 10 s; the {@code maxBusyAnswers}-th is a failure.
 *
 * @param maxBusyAnswers consecutive busy answers that count as a failure (40 in the original)
 * @param sleeper how to wait; tests pass one that does not
 */
public record BusyRetry(int maxBusyAnswers, Sleeper sleeper) {

  /** Waits the given milliseconds. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  public static BusyRetry standard() {
    return new BusyRetry(40, Thread::sleep);
  }

  public static boolean isBusy(int status) {
    return status == 429 || (status >= 500 && status <= 599);
  }

  /** Delay before retrying after the n-th (1-based) consecutive busy answer. */
  public static long delayMillis(int n) {
    return n <= 5 ? (1 + (n % 5)) * 1000L : 10_000L;
  }

  /** Waits after the n-th busy answer; false when the answer is the last one allowed. */
  boolean pause(int n) {
    if (n >= maxBusyAnswers) {
      return false;
    }
    try {
      sleeper.sleep(delayMillis(n));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
