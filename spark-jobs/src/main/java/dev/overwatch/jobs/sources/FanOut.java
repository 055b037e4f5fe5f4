package dev.overwatch.jobs.sources;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * One REST call per key on a small thread pool (inputs.md 2.1 fan-out): a failed call is recorded
 * with its key, never thrown, so one purged cluster cannot fail the module.
 */
public final class FanOut {
  /** Default pool size (thread_pool_size of the original). */
  public static final int THREADS = 4;

  private FanOut() {}

  /** The answer for one key, or the failure. */
  public record Outcome<T>(String key, T value, ApiException error) {
    public boolean failed() {
      return error != null;
    }
  }

  public static <T> List<Outcome<T>> run(Collection<String> keys, int threads, Function<String, T> call) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, keys.size())));
    try {
      List<Future<Outcome<T>>> futures = new ArrayList<>();
      for (String key : keys) {
        futures.add(pool.submit(() -> {
          try {
            return new Outcome<>(key, call.apply(key), null);
          } catch (ApiException e) {
            return new Outcome<T>(key, null, e);
          }
        }));
      }
      List<Outcome<T>> out = new ArrayList<>();
      for (Future<Outcome<T>> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for REST calls", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}
