package dev.overwatch.jobs.cli;

import dev.overwatch.jobs.engine.ModuleResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The run's console output: one progress line per module, then the summary table. */
final class SummaryTable {
  private SummaryTable() {}

  static String progressLine(ModuleResult r) {
    String detail = r.message() == null || r.message().isEmpty() ? "" : "  (" + r.message() + ")";
    return String.format("[%s] %-10s %4d %-36s %-7s %s rows=%d quarantined=%d%s", r.layer().cliName(), r.workspace(),
        r.moduleId(), r.moduleName(), r.outcome(), window(r), r.rows(), r.quarantined(), detail);
  }

  static String render(List<ModuleResult> results) {
    List<List<String>> rows = new ArrayList<>();
    for (ModuleResult r : results) {
      rows.add(List.of(r.layer().cliName(), r.workspace(), r.moduleId() + " " + r.moduleName(), r.outcome().name(),
          window(r), Long.toString(r.rows()), Long.toString(r.quarantined()),
          r.message() == null ? "" : r.message()));
    }
    return TextTable.render(List.of("layer", "workspace", "module", "status", "window", "rows", "quarantined", "reason"),
        rows);
  }

  private static String window(ModuleResult r) {
    if (r.fromTS() == 0 && r.untilTS() == 0) {
      return "-";
    }
    return "[" + Instant.ofEpochMilli(r.fromTS()) + ", " + Instant.ofEpochMilli(r.untilTS()) + ")";
  }
}
