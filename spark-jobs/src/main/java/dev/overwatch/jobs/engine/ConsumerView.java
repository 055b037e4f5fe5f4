package dev.overwatch.jobs.engine;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A presentation view over a gold table (presentation.md 3, 6): the view name in the consumer database
 * and its ordered columns, each "consumer column name -> gold expression". Every column starts as the
 * same-named gold column; {@link #repoint} moves one to a newer versioned gold column
 * ({@code <name>_v<schemaVersion>}) without changing the consumer contract.
 */
public record ConsumerView(String name, TargetTable source, List<ViewColumn> columns, boolean etlOnly) {
  public ConsumerView(String name, TargetTable source, List<ViewColumn> columns) {
    this(name, source, columns, false);
  }

  public ConsumerView {
    columns = List.copyOf(columns);
    Set<String> seen = new LinkedHashSet<>();
    for (ViewColumn c : columns) {
      if (!seen.add(c.name().toLowerCase(java.util.Locale.ROOT))) {
        throw new IllegalArgumentException("view " + name + " lists column " + c.name() + " twice");
      }
    }
  }

  /** A view whose columns are the same-named gold columns, in this order. */
  public static ConsumerView of(String name, TargetTable source, String... columns) {
    return new ConsumerView(name, source, java.util.Arrays.stream(columns).map(ViewColumn::same).toList());
  }

  /** The view created in the ETL database instead of the consumer database (sensitive, presentation.md 7.8). */
  public ConsumerView inEtlDatabase() {
    return new ConsumerView(name, source, columns, true);
  }

  /**
   * The view with consumer column {@code column} reading {@code goldColumn} instead; with
   * {@code fallBackToOld} rows written before the new column existed keep the old column's value.
   */
  public ConsumerView repoint(String column, String goldColumn, boolean fallBackToOld) {
    List<ViewColumn> out = new ArrayList<>();
    boolean found = false;
    for (ViewColumn c : columns) {
      if (c.name().equals(column)) {
        out.add(fallBackToOld ? ViewColumn.coalesced(column, goldColumn, c.goldColumns()) : ViewColumn.of(column, goldColumn));
        found = true;
      } else {
        out.add(c);
      }
    }
    if (!found) {
      throw new IllegalArgumentException("view " + name + " has no column " + column);
    }
    return new ConsumerView(name, source, out, etlOnly);
  }

  /** The SELECT list, in order. */
  public List<String> selectList() {
    return columns.stream().map(ViewColumn::selectSql).toList();
  }

  /** Every gold column the view reads (publication checks they exist, presentation.md 7.3). */
  public Set<String> goldColumns() {
    Set<String> all = new LinkedHashSet<>();
    columns.forEach(c -> all.addAll(c.goldColumns()));
    return all;
  }

  /**
   * One consumer column.
   *
   * @param expression the gold SQL expression it reads
   * @param goldColumns the gold columns that expression references
   */
  public record ViewColumn(String name, String expression, List<String> goldColumns) {
    public ViewColumn {
      goldColumns = List.copyOf(goldColumns);
    }

    public static ViewColumn same(String name) {
      return new ViewColumn(name, quote(name), List.of(name));
    }

    /** The consumer column reads another (e.g. versioned) gold column. */
    public static ViewColumn of(String name, String goldColumn) {
      return new ViewColumn(name, quote(goldColumn), List.of(goldColumn));
    }

    /** The newest gold column first, older ones for rows written before it existed. */
    static ViewColumn coalesced(String name, String newest, List<String> older) {
      List<String> all = new ArrayList<>();
      all.add(newest);
      older.stream().filter(o -> !o.equals(newest)).forEach(all::add);
      String expr = "coalesce(" + String.join(", ", all.stream().map(ConsumerView::quote).toList()) + ")";
      return new ViewColumn(name, expr, all);
    }

    public String selectSql() {
      return expression.equals(quote(name)) ? expression : expression + " AS " + quote(name);
    }
  }

  static String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }
}
