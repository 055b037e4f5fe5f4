package dev.overwatch.jobs.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * Answers Databricks REST requests from a folder of recorded responses (docs/api-replay.md) on
 * 127.0.0.1, so that replay runs exercise the real SDK client, paging and backoff.
 */
public final class ReplayServer implements AutoCloseable {
  /** The token the replay client sends; anything else is answered 401. */
  public static final String TOKEN = "replay";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int DEFAULT_PAGE = 25;
  /** List endpoints that answer {} (an empty result) when their file is missing. */
  private static final Set<String> LIST_ENDPOINTS = Set.of(
      "api/2.1/jobs/list", "api/2.1/jobs/runs/list", "api/2.0/clusters/list", "api/2.0/instance-pools/list",
      "api/2.0/instance-profiles/list", "api/2.0/libraries/all-cluster-statuses", "api/2.0/policies/clusters/list",
      "api/2.0/token/list", "api/2.0/global-init-scripts", "api/2.0/sql/warehouses");

  private final Path root;
  private final HttpServer server;
  private final ExecutorService executor;
  private final Map<String, Deque<Integer>> faults;

  private ReplayServer(Path root) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    this.faults = loadFaults(this.root.resolve("_faults.json"));
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    // Fan-out calls (clusters/get, clusters/events) arrive in parallel.
    this.executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "overwatch-api-replay");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a server over the folder; fails when the folder does not exist. */
  public static ReplayServer start(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw ApiException.configuration("apiReplayPath " + folder + " is not a folder");
    }
    try {
      return new ReplayServer(folder);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the API replay server for " + folder, e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private record Answer(int status, String body) {
    static Answer ok(JsonNode body) {
      return new Answer(200, body.toString());
    }

    static Answer error(int status, String code, String message) {
      ObjectNode n = JSON.createObjectNode().put("error_code", code).put("message", message);
      return new Answer(status, n.toString());
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    Answer answer;
    try {
      answer = answer(exchange);
    } catch (RuntimeException e) {
      answer = Answer.error(500, "INTERNAL_ERROR", "replay server: " + e);
    }
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(answer.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private Answer answer(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath().replaceAll("^/+", "").replaceAll("/+$", "");
    if (!path.startsWith("api/") || path.contains("..")) {
      return Answer.error(404, "ENDPOINT_NOT_FOUND", "No API found for '" + method + " /" + path + "'");
    }
    if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      return Answer.error(401, "UNAUTHENTICATED", "Invalid access token.");
    }
    Integer fault = nextFault(method + " " + path);
    if (fault != null) {
      return Answer.error(fault, fault == 429 ? "REQUEST_LIMIT_EXCEEDED" : "INJECTED_FAULT",
          "injected fault " + fault + " for " + method + " " + path);
    }
    Map<String, String> query = parseQuery(exchange.getRequestURI().getRawQuery());
    if (method.equals("POST") && path.equals("api/2.0/clusters/events")) {
      JsonNode body;
      try (InputStream in = exchange.getRequestBody()) {
        body = JSON.readTree(in);
      }
      return clusterEvents(body == null ? JSON.createObjectNode() : body);
    }
    if (!method.equals("GET")) {
      return Answer.error(404, "ENDPOINT_NOT_FOUND", "No API found for '" + method + " /" + path + "'");
    }
    switch (path) {
      case "api/2.1/jobs/list" -> {
        return paged(read(path).orElse(empty()), "jobs", query, n -> true);
      }
      case "api/2.1/jobs/runs/list" -> {
        long from = longParam(query, "start_time_from", Long.MIN_VALUE);
        long to = longParam(query, "start_time_to", Long.MAX_VALUE);
        return paged(read(path).orElse(empty()), "runs", query, run -> {
          long start = run.path("start_time").asLong(Long.MIN_VALUE);
          return start >= from && start <= to;
        });
      }
      case "api/2.0/sql/history/queries" -> {
        return queryHistory(read(path).orElse(empty()), query);
      }
      case "api/2.0/clusters/get" -> {
        String id = query.getOrDefault("cluster_id", "");
        return safeId(id).flatMap(i -> read("api/2.0/clusters/get/" + i)).map(Answer::ok)
            .orElseGet(() -> Answer.error(400, "INVALID_PARAMETER_VALUE", "Cluster " + id + " does not exist"));
      }
      default -> {
        java.util.Optional<JsonNode> body = read(path);
        if (body.isPresent()) {
          return Answer.ok(body.get());
        }
        return LIST_ENDPOINTS.contains(path) ? Answer.ok(empty())
            : Answer.error(404, "ENDPOINT_NOT_FOUND", "No API found for 'GET /" + path + "'");
      }
    }
  }

  /** Pages the elements of field by limit with has_more / next_page_token (the token is the offset). */
  private static Answer paged(JsonNode file, String field, Map<String, String> query, Predicate<JsonNode> keep) {
    List<JsonNode> items = new ArrayList<>();
    file.path(field).forEach(n -> {
      if (keep.test(n)) {
        items.add(n);
      }
    });
    int limit = (int) Math.max(1, longParam(query, "limit", DEFAULT_PAGE));
    int offset = (int) Math.max(0, longParam(query, "page_token", 0));
    ObjectNode out = JSON.createObjectNode();
    if (offset < items.size()) {
      ArrayNode page = out.putArray(field);
      items.subList(offset, Math.min(items.size(), offset + limit)).forEach(page::add);
    }
    boolean more = offset + limit < items.size();
    out.put("has_more", more);
    if (more) {
      out.put("next_page_token", String.valueOf(offset + limit));
    }
    return Answer.ok(out);
  }

  /**
   * SQL query history (has_next_page paging, inputs.md 2.1): queries whose query_start_time_ms lies in the
   * filter's [start_time_ms, end_time_ms), ordered by start, max_results per page. As the real API does, the
   * page token carries the filter, and a request naming both a token and a filter is refused.
   */
  private static Answer queryHistory(JsonNode file, Map<String, String> query) {
    String token = query.get("page_token");
    boolean filtered = query.keySet().stream().anyMatch(k -> k.startsWith("filter_by."));
    long from;
    long to;
    int offset;
    if (token != null) {
      if (filtered) {
        return Answer.error(400, "INVALID_PARAMETER_VALUE", "filter_by must not be set together with page_token");
      }
      String[] parts = token.split(":");
      if (parts.length != 3) {
        return Answer.error(400, "INVALID_PARAMETER_VALUE", "invalid page_token " + token);
      }
      from = Long.parseLong(parts[0]);
      to = Long.parseLong(parts[1]);
      offset = Integer.parseInt(parts[2]);
    } else {
      from = longParam(query, "filter_by.query_start_time_range.start_time_ms", Long.MIN_VALUE);
      to = longParam(query, "filter_by.query_start_time_range.end_time_ms", Long.MAX_VALUE);
      offset = 0;
    }
    List<JsonNode> items = new ArrayList<>();
    file.path("res").forEach(n -> {
      long start = n.path("query_start_time_ms").asLong(Long.MIN_VALUE);
      if (start >= from && start < to) {
        items.add(n);
      }
    });
    items.sort(Comparator.comparingLong(n -> n.path("query_start_time_ms").asLong()));
    int limit = (int) Math.min(1000, Math.max(1, longParam(query, "max_results", 100)));
    ObjectNode out = JSON.createObjectNode();
    if (offset < items.size()) {
      ArrayNode page = out.putArray("res");
      items.subList(offset, Math.min(items.size(), offset + limit)).forEach(page::add);
    }
    boolean more = offset + limit < items.size();
    out.put("has_next_page", more);
    if (more) {
      out.put("next_page_token", from + ":" + to + ":" + (offset + limit));
    }
    return Answer.ok(out);
  }

  /** Events of one cluster within [start_time, end_time], newest first, paged by limit with next_page bodies. */
  private Answer clusterEvents(JsonNode request) {
    String id = request.path("cluster_id").asText("");
    long start = request.path("start_time").asLong(0);
    long end = request.has("end_time") ? request.path("end_time").asLong() : Long.MAX_VALUE;
    int limit = (int) Math.min(500, Math.max(1, request.path("limit").asLong(50)));
    int offset = (int) Math.max(0, request.path("offset").asLong(0));
    java.util.Optional<String> safe = safeId(id);
    java.util.Optional<JsonNode> file = safe.flatMap(i -> read("api/2.0/clusters/events/" + i));
    if (file.isEmpty()) {
      // A cluster that exists but never had a recorded event has no events file.
      if (safe.flatMap(i -> read("api/2.0/clusters/get/" + i)).isPresent()) {
        file = java.util.Optional.of(empty());
      } else {
        return Answer.error(400, "INVALID_PARAMETER_VALUE", "Cluster " + id + " does not exist");
      }
    }
    List<JsonNode> events = new ArrayList<>();
    file.get().path("events").forEach(e -> {
      long ts = e.path("timestamp").asLong(Long.MIN_VALUE);
      if (ts >= start && ts <= end) {
        events.add(e);
      }
    });
    events.sort(Comparator.comparingLong((JsonNode e) -> e.path("timestamp").asLong()).reversed());
    ObjectNode out = JSON.createObjectNode();
    ArrayNode page = out.putArray("events");
    events.stream().skip(offset).limit(limit).forEach(page::add);
    out.put("total_count", events.size());
    if (offset + limit < events.size()) {
      ObjectNode next = out.putObject("next_page");
      next.put("cluster_id", id).put("start_time", start).put("end_time", end)
          .put("offset", offset + limit).put("limit", limit);
    }
    return Answer.ok(out);
  }

  private java.util.Optional<JsonNode> read(String path) {
    Path file = root.resolve(path + ".json").normalize();
    if (!file.startsWith(root) || !Files.isRegularFile(file)) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(JSON.readTree(file.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable recorded response " + file, e);
    }
  }

  private static java.util.Optional<String> safeId(String id) {
    return id.isEmpty() || id.contains("/") || id.contains("..") ? java.util.Optional.empty() : java.util.Optional.of(id);
  }

  private static ObjectNode empty() {
    return JSON.createObjectNode();
  }

  private synchronized Integer nextFault(String key) {
    Deque<Integer> queue = faults.get(key);
    return queue == null ? null : queue.poll();
  }

  private static Map<String, Deque<Integer>> loadFaults(Path file) throws IOException {
    Map<String, Deque<Integer>> out = new HashMap<>();
    if (Files.isRegularFile(file)) {
      JSON.readTree(file.toFile()).fields().forEachRemaining(e -> {
        Deque<Integer> codes = new ArrayDeque<>();
        e.getValue().forEach(c -> codes.add(c.asInt()));
        String[] parts = e.getKey().trim().split("\\s+", 2);
        String path = parts.length == 2 ? parts[1].replaceAll("^/+", "") : "";
        out.put(parts[0].toUpperCase(java.util.Locale.ROOT) + " " + path, codes);
      });
    }
    return out;
  }

  private static Map<String, String> parseQuery(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(k, v);
    }
    return out;
  }

  private static long longParam(Map<String, String> query, String name, long dflt) {
    try {
      String v = query.get(name);
      return v == null || v.isEmpty() ? dflt : Long.parseLong(v);
    } catch (NumberFormatException e) {
      return dflt;
    }
  }
}
