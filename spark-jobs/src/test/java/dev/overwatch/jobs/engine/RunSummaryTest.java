package dev.overwatch.jobs.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.overwatch.jobs.engine.ModuleResult.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The termination-message summary stays under Kubernetes' 4 KiB and never drops a failure to fit. */
class RunSummaryTest {
  @Test
  void manyWorkspacesKeepEveryFailureAndTheCountsUnderTheBudget() throws Exception {
    List<ModuleResult> results = new ArrayList<>();
    for (int w = 0; w < 20; w++) {
      for (int m = 0; m < 13; m++) {
        Outcome outcome = w == 7 && m == 12 ? Outcome.FAILED : w == 7 && m > 12 ? Outcome.NOT_RUN
            : m % 3 == 0 ? Outcome.EMPTY : Outcome.SUCCESS;
        results.add(new ModuleResult("ws" + w, "org" + w, 1001 + m, "Bronze_Module_" + m, Layer.BRONZE, outcome,
            0, 1_000, 10, 0, outcome == Outcome.FAILED ? "boom" : ""));
      }
    }
    String json = RunSummary.toJson("run", "bronze", Instant.EPOCH, results);
    assertTrue(json.getBytes(StandardCharsets.UTF_8).length <= RunSummary.MAX_BYTES, json.length() + " bytes");
    JsonNode root = new ObjectMapper().readTree(json);
    assertTrue(root.get("truncated").asBoolean());
    assertEquals("FAILED", root.get("status").asText());
    assertEquals(1, root.at("/moduleCounts/FAILED").asLong());
    assertEquals(260, root.at("/moduleCounts/SUCCESS").asLong() + root.at("/moduleCounts/EMPTY").asLong() + 1);
    List<JsonNode> kept = StreamSupport.stream(root.get("modules").spliterator(), false).toList();
    assertTrue(kept.stream().anyMatch(m -> m.get("status").asText().equals("FAILED") && m.get("workspace").asText().equals("ws7")));
    assertFalse(kept.stream().anyMatch(m -> m.get("status").asText().equals("EMPTY")), "EMPTY entries go first");
  }

  @Test
  void smallRunsAreNotTruncated() throws Exception {
    List<ModuleResult> results = List.of(new ModuleResult("demo", "1", 1004, "Bronze_AuditLogs", Layer.BRONZE,
        Outcome.SUCCESS, 0, 1_000, 256, 3, ""));
    JsonNode root = new ObjectMapper().readTree(RunSummary.toJson("run", "bronze", Instant.EPOCH, results));
    assertFalse(root.get("truncated").asBoolean());
    assertEquals(1, root.get("modules").size());
    assertEquals(3, root.get("quarantined").asLong());
  }
}
