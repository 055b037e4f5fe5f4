package dev.overwatch.jobs.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The compact JSON a run leaves behind (DESIGN.md section 4): the operator copies it from the
 * driver pod's termination message, which Kubernetes caps at 4 KiB, so it is kept under a budget.
 */
public final class RunSummary {
  public static final int MAX_BYTES = 3_800;
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Statuses in the order their entries are dropped when the summary is over budget. */
  private static final List<String> DROP_ORDER = List.of("EMPTY", "SUCCESS", "NOT_RUN", "FAILED");

  private RunSummary() {}

  public static boolean succeeded(List<ModuleResult> results) {
    return results.stream().noneMatch(ModuleResult::failed);
  }

  public static String toJson(String runId, String layer, Instant snapshot, List<ModuleResult> results) {
    List<Map<String, Object>> modules = new ArrayList<>();
    for (ModuleResult r : results) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", r.moduleId());
      m.put("name", r.moduleName());
      m.put("workspace", r.workspace());
      m.put("status", r.outcome().name());
      m.put("fromTS", Instant.ofEpochMilli(r.fromTS()).toString());
      m.put("untilTS", Instant.ofEpochMilli(r.untilTS()).toString());
      m.put("rows", r.rows());
      m.put("quarantined", r.quarantined());
      modules.add(m);
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("runId", runId);
    summary.put("layer", layer);
    summary.put("snapshotTime", snapshot.toString());
    summary.put("status", succeeded(results) ? "SUCCEEDED" : "FAILED");
    summary.put("rows", results.stream().mapToLong(ModuleResult::rows).sum());
    summary.put("quarantined", results.stream().mapToLong(ModuleResult::quarantined).sum());
    Map<String, Long> byStatus = new TreeMap<>();
    results.forEach(r -> byStatus.merge(r.outcome().name(), 1L, Long::sum));
    // Survives truncation: how many modules ended in each status, whatever entries had to be dropped.
    summary.put("moduleCounts", byStatus);
    summary.put("modules", modules);
    summary.put("truncated", false);
    String json = write(summary);
    // Drop the least informative entries first (EMPTY, then SUCCESS, ...; FAILED last) until it fits.
    while (json.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES && !modules.isEmpty()) {
      modules.remove(leastInformative(modules));
      summary.put("truncated", true);
      json = write(summary);
    }
    return json;
  }

  /** Index of the last entry of the lowest-priority status present. */
  private static int leastInformative(List<Map<String, Object>> modules) {
    int best = -1;
    int bestRank = Integer.MAX_VALUE;
    for (int i = modules.size() - 1; i >= 0; i--) {
      int rank = DROP_ORDER.indexOf(String.valueOf(modules.get(i).get("status")));
      rank = rank < 0 ? DROP_ORDER.size() - 1 : rank;
      if (rank < bestRank) {
        best = i;
        bestRank = rank;
      }
    }
    return best;
  }

  private static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
