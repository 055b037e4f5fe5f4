package dev.overwatch.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.overwatch.api.v1alpha1.OverwatchRunStatus.ModuleSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JSON a driver writes to its termination message. Parsed leniently: unknown fields are
 * ignored, wrong types become absent, strings are cut; a driver is not trusted to bound itself.
 */
public record DriverSummary(String runId, String layer, String status, List<ModuleSummary> modules, boolean truncated) {
  static final int MAX_MODULES = 200;
  static final int MAX_STRING = 256;
  private static final ObjectMapper JSON = new ObjectMapper();

  public static Optional<DriverSummary> parse(String message) {
    if (message == null || message.isBlank()) {
      return Optional.empty();
    }
    try {
      JsonNode root = JSON.readTree(message.length() > (1 << 20) ? message.substring(0, 1 << 20) : message);
      if (root == null || !root.isObject()) {
        return Optional.empty();
      }
      List<ModuleSummary> modules = new ArrayList<>();
      boolean truncated = root.path("truncated").asBoolean(false);
      for (JsonNode m : root.path("modules")) {
        if (modules.size() >= MAX_MODULES) {
          truncated = true;
          break;
        }
        if (!m.isObject()) {
          continue;
        }
        ModuleSummary s = new ModuleSummary();
        s.id = m.path("id").canConvertToInt() ? m.path("id").asInt() : null;
        s.name = text(m, "name");
        s.workspace = text(m, "workspace");
        s.status = text(m, "status");
        s.fromTS = text(m, "fromTS");
        s.untilTS = text(m, "untilTS");
        s.rows = m.path("rows").canConvertToLong() ? m.path("rows").asLong() : null;
        s.quarantined = m.path("quarantined").canConvertToLong() ? m.path("quarantined").asLong() : null;
        modules.add(s);
      }
      return Optional.of(new DriverSummary(text(root, "runId"), text(root, "layer"), text(root, "status"), modules, truncated));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  public long rowsWritten() {
    return modules.stream().filter(m -> m.rows != null).mapToLong(m -> m.rows).sum();
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull() || v.isContainerNode()) {
      return null;
    }
    String s = v.asText();
    return s.length() > MAX_STRING ? s.substring(0, MAX_STRING) : s;
  }
}
