package dev.overwatch.jobs.cli;

import java.util.List;

/** Renders rows as an aligned plain-text table. */
final class TextTable {
  private static final int MAX_CELL = 80;

  private TextTable() {}

  static String render(List<String> header, List<List<String>> rows) {
    int[] widths = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      widths[i] = header.get(i).length();
    }
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], cell(row.get(i)).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, header, widths);
    for (int i = 0; i < widths.length; i++) {
      sb.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
    }
    sb.append('\n');
    for (List<String> row : rows) {
      line(sb, row, widths);
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<String> cells, int[] widths) {
    for (int i = 0; i < widths.length; i++) {
      String c = cell(cells.get(i));
      sb.append(i == 0 ? "" : " | ").append(c).append(" ".repeat(widths[i] - c.length()));
    }
    sb.append('\n');
  }

  private static String cell(String value) {
    String v = value == null ? "NULL" : value.replace('\n', ' ');
    return v.length() > MAX_CELL ? v.substring(0, MAX_CELL - 3) + "..." : v;
  }
}
