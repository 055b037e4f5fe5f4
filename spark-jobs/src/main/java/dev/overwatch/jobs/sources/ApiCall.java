package dev.overwatch.jobs.sources;

import java.util.Map;

/**
 * One REST request made by a {@link DatabricksApi} client, as the client saw it: what was asked, how it was
 * answered and how long it took. Secrets are not removed here; whoever keeps calls redacts them.
 *
 * @param path request path, e.g. {@code /api/2.0/clusters/events}
 * @param query query parameters (GET)
 * @param body JSON request body (POST), or null
 * @param page 0-based page of a paged listing (0 for unpaged calls)
 * @param status HTTP status; 0 when no answer came (I/O failure)
 * @param startEpochMs when the request was sent
 * @param durationMs until the answer was read
 * @param response the raw answer body (or the error message of a failed call), may be empty
 * @param responseBytes size of the raw answer body in bytes
 */
public record ApiCall(String method, String path, Map<String, String> query, String body, int page, int status,
    long startEpochMs, long durationMs, String response, long responseBytes) {

  public ApiCall {
    query = Map.copyOf(query);
  }

  /** Told of every request a client makes, busy answers that are retried included; must be thread-safe. */
  @FunctionalInterface
  public interface Listener {
    Listener NONE = call -> { };

    void onCall(ApiCall call);
  }
}
