package dev.overwatch.jobs.engine;

import java.util.List;

/**
 * A presentation view over a gold table (presentation.md): the view name in the consumer database
 * and its column list as select expressions ("gold_col AS view_col"), so the view can point at a
 * newer gold column without breaking consumers.
 */
public record ConsumerView(String name, TargetTable source, List<String> columns) {
  public ConsumerView {
    columns = List.copyOf(columns);
  }
}
