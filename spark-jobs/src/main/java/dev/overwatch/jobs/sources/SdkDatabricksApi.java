package dev.overwatch.jobs.sources;

import com.databricks.sdk.core.ApiClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.DatabricksError;
import com.databricks.sdk.core.http.Request;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DatabricksApi} over the Databricks SDK's {@link ApiClient}: raw requests, raw JSON back
 * (Spark infers the schema), our own paging and busy-answer backoff. The SDK's retries are
 * switched off so that 429 and every 5xx follow one bounded policy ({@link BusyRetry}).
 *
 * <p>Paths are request paths such as {@code /api/2.1/jobs/list} (the leading slash is optional).
 */
public final class SdkDatabricksApi implements DatabricksApi {
  private static final Logger LOG = LoggerFactory.getLogger(SdkDatabricksApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String workspace;
  private final ApiClient client;
  private final BusyRetry retry;
  private final AutoCloseable onClose;
  private final ApiCall.Listener listener;

  /**
   * @param workspace workspace name, for messages
   * @param onClose released after the client (the replay server), may be null
   */
  public SdkDatabricksApi(String workspace, String host, String token, BusyRetry retry, AutoCloseable onClose) {
    this(workspace, host, token, retry, onClose, ApiCall.Listener.NONE);
  }

  /** @param listener told of every request (features.traceApi) */
  public SdkDatabricksApi(String workspace, String host, String token, BusyRetry retry, AutoCloseable onClose,
      ApiCall.Listener listener) {
    DatabricksConfig config = new DatabricksConfig()
        .setHost(host)
        .setToken(token)
        .setAuthType("pat")
        .setDisableRetries(true)
        .setHttpTimeoutSeconds(60);
    this.workspace = workspace;
    this.client = new ApiClient(config);
    this.retry = retry;
    this.onClose = onClose;
    this.listener = listener;
  }

  @Override
  public List<String> getAll(String path, Map<String, String> query, String resultField, Paging paging) {
    List<String> out = new ArrayList<>();
    switch (paging) {
      case NONE -> addElements(out, call("GET", path, query, null), resultField);
      case HAS_MORE -> {
        Map<String, String> q = new LinkedHashMap<>(query);
        Set<String> seenTokens = new HashSet<>();
        for (int page = 0; ; page++) {
          JsonNode body = call("GET", path, q, null, page);
          addElements(out, body, resultField);
          String token = body.path("next_page_token").asText("");
          // has_more (jobs 2.1); endpoints that page without has_more (clusters/list 2.1) just send a token.
          boolean more = body.has("has_more") ? body.path("has_more").asBoolean(false) : !token.isEmpty();
          if (!more || token.isEmpty() || !seenTokens.add(token)) {
            break;
          }
          q.put("page_token", token);
        }
      }
      case HAS_NEXT_PAGE -> {
        JsonNode body = call("GET", path, query, null);
        addElements(out, body, resultField);
        Set<String> seenTokens = new HashSet<>();
        while (body.path("has_next_page").asBoolean(false)) {
          String token = body.path("next_page_token").asText("");
          if (token.isEmpty() || !seenTokens.add(token)) {
            break;
          }
          // The token carries the filter; the API refuses a request naming both.
          Map<String, String> q = new LinkedHashMap<>();
          query.forEach((k, v) -> {
            if (!k.startsWith("filter_by.")) {
              q.put(k, v);
            }
          });
          q.put("page_token", token);
          body = call("GET", path, q, null);
          addElements(out, body, resultField);
        }
      }
      case NEXT_PAGE_BODY -> throw new IllegalArgumentException("next_page bodies page POST calls; use postAll for " + path);
    }
    return out;
  }

  @Override
  public String get(String path, Map<String, String> query) {
    return call("GET", path, query, null).toString();
  }

  @Override
  public List<String> postAll(String path, String jsonBody, String resultField) {
    List<String> out = new ArrayList<>();
    String body = jsonBody;
    for (int page = 0; body != null; page++) {
      JsonNode answer = call("POST", path, Map.of(), body, page);
      addElements(out, answer, resultField);
      JsonNode next = answer.get("next_page");
      body = next != null && next.isObject() && next.size() > 0 ? next.toString() : null;
      if (page > 100_000) {
        throw new ApiException(path, 200, "next_page chain does not end", null);
      }
    }
    return out;
  }

  private JsonNode call(String method, String path, Map<String, String> query, String body) {
    return call(method, path, query, body, 0);
  }

  /** One request with backoff on busy answers; the parsed body ({} when empty). Each request is told to the listener. */
  private JsonNode call(String method, String path, Map<String, String> query, String body, int page) {
    String p = path.startsWith("/") ? path : "/" + path;
    for (int busy = 1; ; busy++) {
      long sent = System.currentTimeMillis();
      Request request = body == null ? new Request(method, p) : new Request(method, p, body);
      request.withHeader("Accept", "application/json");
      if (body != null) {
        request.withHeader("Content-Type", "application/json");
      }
      query.forEach(request::withQueryParam);
      try (InputStream in = client.execute(request, InputStream.class)) {
        byte[] raw = in == null ? new byte[0] : in.readAllBytes();
        listener.onCall(new ApiCall(method, p, query, body, page, 200, sent, System.currentTimeMillis() - sent,
            new String(raw, java.nio.charset.StandardCharsets.UTF_8), raw.length));
        JsonNode node = raw.length == 0 ? null : JSON.readTree(raw);
        return node == null || node.isMissingNode() ? JsonNodeFactory.instance.objectNode() : node;
      } catch (DatabricksError e) {
        int status = e.getStatusCode();
        String detail = (e.getErrorCode() == null ? "" : e.getErrorCode() + " ") + e.getMessage();
        listener.onCall(new ApiCall(method, p, query, body, page, status, sent, System.currentTimeMillis() - sent,
            detail, 0));
        if (BusyRetry.isBusy(status)) {
          LOG.warn("{} {} of workspace {} answered {} (busy answer {}), backing off", method, p, workspace, status, busy);
          if (retry.pause(busy)) {
            continue;
          }
          throw new ApiException(p, status, "still busy after " + busy + " answers: " + detail, e);
        }
        throw new ApiException(p, status, detail, e);
      } catch (IOException | RuntimeException e) {
        listener.onCall(new ApiCall(method, p, query, body, page, 0, sent, System.currentTimeMillis() - sent,
            String.valueOf(e.getMessage()), 0));
        throw new ApiException(p, 0, "workspace " + workspace + ": " + e.getMessage(), e);
      }
    }
  }

  private static void addElements(List<String> out, JsonNode body, String resultField) {
    JsonNode items = body.get(resultField);
    if (items != null && items.isArray()) {
      items.forEach(n -> out.add(n.toString()));
    }
  }

  @Override
  public void close() {
    if (onClose != null) {
      try {
        onClose.close();
      } catch (Exception e) {
        LOG.warn("Could not close the REST client of workspace {}", workspace, e);
      }
    }
  }
}
