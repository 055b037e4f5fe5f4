package dev.overwatch.jobs.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.overwatch.jobs.engine.WorkspaceConfig;
import dev.overwatch.jobs.sources.DatabricksApi.Paging;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The SDK client against the replay server: paging families, backoff, failures, configuration errors. */
class ApiClientsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<Long> sleeps = new CopyOnWriteArrayList<>();
  private final BusyRetry retry = new BusyRetry(40, sleeps::add);

  static Path folder(String name) {
    try {
      return Path.of(ApiClientsTest.class.getResource("/replay/" + name).toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static WorkspaceConfig workspace(String name, Optional<String> url, Optional<String> replay) {
    return new WorkspaceConfig(name, "1234", "AWS", url, Optional.empty(), "json", replay, List.of(), Map.of(), Set.of(),
        WorkspaceConfig.tokenEnvVar(name));
  }

  private DatabricksApi replay(String folder) {
    return ApiClients.forWorkspace(workspace("ws1", Optional.empty(), Optional.of("file:" + folder(folder))), Map.of(), retry);
  }

  private static List<Long> longs(List<String> json, String field) {
    return json.stream().map(j -> {
      try {
        return JSON.readTree(j).path(field).asLong();
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }).toList();
  }

  @Test
  void hasMorePagingFollowsNextPageTokens() {
    try (DatabricksApi api = replay("ws1")) {
      List<String> jobs = api.getAll("/api/2.1/jobs/list", Map.of("limit", "2", "expand_tasks", "true"), "jobs", Paging.HAS_MORE);
      assertEquals(List.of(101L, 102L, 103L), longs(jobs, "job_id"));
      List<String> runs = api.getAll("/api/2.1/jobs/runs/list",
          Map.of("limit", "1", "start_time_from", "1699250000000", "start_time_to", "1699300000000"), "runs", Paging.HAS_MORE);
      assertEquals(List.of(5001L, 5003L), longs(runs, "run_id"));
    }
    assertEquals(List.of(), sleeps);
  }

  @Test
  void nextPageBodiesAreFollowedAndEventsFilteredByTime() {
    try (DatabricksApi api = replay("ws1")) {
      List<String> all = api.postAll("/api/2.0/clusters/events",
          "{\"cluster_id\":\"1102-020007-aaaa0001\",\"start_time\":0,\"end_time\":1699999999999,\"limit\":2}", "events");
      assertEquals(List.of(1699300000000L, 1699210000000L, 1699200000000L, 1698912100000L, 1698912007000L),
          longs(all, "timestamp"));
      List<String> recent = api.postAll("/api/2.0/clusters/events",
          "{\"cluster_id\":\"1102-020007-aaaa0001\",\"start_time\":1699200000000,\"end_time\":1699250000000,\"limit\":500}", "events");
      assertEquals(2, recent.size());
      // A cluster that exists without recorded events has none; one that does not exist is an error.
      assertEquals(0, api.postAll("/api/2.0/clusters/events", "{\"cluster_id\":\"1103-090217-bbbb0002\"}", "events").size());
      ApiException gone = assertThrows(ApiException.class,
          () -> api.postAll("/api/2.0/clusters/events", "{\"cluster_id\":\"0000-purged\"}", "events"));
      assertEquals(400, gone.statusCode());
      assertTrue(gone.detail().startsWith("INVALID_PARAMETER_VALUE"), gone.detail());
    }
  }

  @Test
  void singleCallsAndMissingFiles() {
    try (DatabricksApi api = replay("ws1")) {
      assertEquals(2, api.getAll("api/2.0/clusters/list", Map.of(), "clusters", Paging.NONE).size());
      String cluster = api.get("/api/2.0/clusters/get", Map.of("cluster_id", "1103-090217-bbbb0002"));
      assertTrue(cluster.contains("\"ml sandbox\""), cluster);
      ApiException missing = assertThrows(ApiException.class, () -> api.get("/api/2.0/clusters/get", Map.of("cluster_id", "nope")));
      // The server answers 400 INVALID_PARAMETER_VALUE; the SDK reclassifies "Cluster ... does not exist" as 404.
      assertTrue(missing.statusCode() == 400 || missing.statusCode() == 404, missing.getMessage());
      assertTrue(missing.detail().contains("does not exist"), missing.detail());
      ApiException unknown = assertThrows(ApiException.class, () -> api.get("/api/2.0/no/such/endpoint", Map.of()));
      assertEquals(404, unknown.statusCode());
    }
  }

  @Test
  void busyAnswersBackOffThenSucceedAndOtherErrorsFail() {
    try (DatabricksApi api = replay("faults")) {
      assertEquals(2, api.getAll("/api/2.0/clusters/list", Map.of(), "clusters", Paging.NONE).size());
      assertEquals(List.of(2000L, 3000L), sleeps);
      sleeps.clear();
      ApiException unauthorized = assertThrows(ApiException.class,
          () -> api.getAll("/api/2.0/token/list", Map.of(), "token_infos", Paging.NONE));
      assertEquals(401, unauthorized.statusCode());
      assertEquals(List.of(), sleeps);
    }
    try (DatabricksApi api = ApiClients.forWorkspace(workspace("ws1", Optional.empty(),
        Optional.of(folder("faults").toString())), Map.of(), new BusyRetry(3, sleeps::add))) {
      ApiException busy = assertThrows(ApiException.class,
          () -> api.getAll("/api/2.0/instance-pools/list", Map.of(), "instance_pools", Paging.NONE));
      assertEquals(500, busy.statusCode());
      assertEquals(List.of(2000L, 3000L), sleeps);
    }
  }

  @Test
  void backoffScheduleMatchesTheSpec() {
    assertEquals(List.of(2000L, 3000L, 4000L, 5000L, 1000L, 10_000L, 10_000L),
        java.util.stream.IntStream.rangeClosed(1, 7).mapToObj(BusyRetry::delayMillis).toList());
  }

  @Test
  void liveModeNeedsTheTokenVariableAndSendsIt() {
    WorkspaceConfig noToken = workspace("prod-east", Optional.of("https://example.cloud.databricks.com"), Optional.empty());
    ApiException e = assertThrows(ApiException.class, () -> ApiClients.forWorkspace(noToken, Map.of(), retry));
    assertTrue(e.getMessage().contains("OVERWATCH_TOKEN_PROD_EAST") && e.getMessage().contains("prod-east"), e.getMessage());

    ApiException neither = assertThrows(ApiException.class,
        () -> ApiClients.forWorkspace(workspace("w9", Optional.empty(), Optional.empty()), Map.of(), retry));
    assertTrue(neither.getMessage().contains("w9") && neither.getMessage().contains("url"), neither.getMessage());

    // The live path against a local server: the token comes from the variable and is checked by the server.
    try (ReplayServer server = ReplayServer.start(folder("ws1"))) {
      WorkspaceConfig live = workspace("ws1", Optional.of(server.url()), Optional.empty());
      try (DatabricksApi api = ApiClients.forWorkspace(live, Map.of("OVERWATCH_TOKEN_WS1", ReplayServer.TOKEN), retry)) {
        assertEquals(2, api.getAll("/api/2.0/token/list", Map.of(), "token_infos", Paging.NONE).size());
      }
      try (DatabricksApi api = ApiClients.forWorkspace(live, Map.of("OVERWATCH_TOKEN_WS1", "wrong"), retry)) {
        ApiException denied = assertThrows(ApiException.class,
            () -> api.getAll("/api/2.0/token/list", Map.of(), "token_infos", Paging.NONE));
        assertEquals(401, denied.statusCode());
      }
    }
  }
}
