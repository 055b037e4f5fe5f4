package dev.overwatch.jobs.prices;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Type-2 (valid-time) checks of a price table (costs.md 2.4), on the rows of one workspace. Keys
 * are compared lower-cased and trimmed. Stricter than the original, which only looked at active
 * rows: every pair of consecutive rows of a key must touch (docs/decisions.md).
 */
public final class Type2Validation {
  private Type2Validation() {}

  /** One row as the check sees it. */
  public record Period(String key, LocalDate activeFrom, LocalDate activeUntil, boolean isActive) {}

  /**
   * What is wrong with one key.
   *
   * @param table the price table
   * @param organizationId the workspace
   * @param key the offending key as stored (API_Name or sku)
   * @param activeFrom activeFrom of the offending row
   * @param previousUntil activeUntil of the row before it (the snapshot date when that row is open), or null
   * @param gapDays days between previousUntil and activeFrom: positive = gap, negative = overlap, 0 otherwise
   * @param problem what is wrong, in words
   */
  public record Violation(String table, String organizationId, String key, LocalDate activeFrom,
      LocalDate previousUntil, long gapDays, String problem) {
    @Override
    public String toString() {
      return table + " " + key + " (organization " + organizationId + "): " + problem
          + (previousUntil == null ? "" : "; previous activeUntil " + previousUntil + ", activeFrom " + activeFrom
              + ", gap " + gapDays + " day(s)");
    }
  }

  /** Every violation of the workspace's rows of one table; empty when the table is a clean Type-2 history. */
  public static List<Violation> check(String table, String organizationId, List<Period> rows, LocalDate snapshotDate) {
    Map<String, List<Period>> byKey = new LinkedHashMap<>();
    for (Period p : rows) {
      String key = p.key() == null ? "" : p.key().trim().toLowerCase(Locale.ROOT);
      byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
    }
    List<Violation> out = new ArrayList<>();
    for (List<Period> periods : byKey.values()) {
      periods.sort(Comparator.comparing(Period::activeFrom, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(Period::activeUntil, Comparator.nullsLast(Comparator.naturalOrder())));
      long active = periods.stream().filter(Period::isActive).count();
      if (active > 1) {
        Period first = periods.stream().filter(Period::isActive).findFirst().orElseThrow();
        out.add(new Violation(table, organizationId, first.key(), first.activeFrom(), null, 0,
            "multiple active records (" + active + ")"));
      }
      for (int i = 0; i < periods.size(); i++) {
        Period p = periods.get(i);
        if (p.activeFrom() == null) {
          out.add(new Violation(table, organizationId, p.key(), null, null, 0, "activeFrom is null"));
          continue;
        }
        if (p.activeUntil() != null && p.activeUntil().isBefore(p.activeFrom())) {
          out.add(new Violation(table, organizationId, p.key(), p.activeFrom(), null, 0,
              "activeUntil " + p.activeUntil() + " is before activeFrom"));
        }
        if (p.activeUntil() == null && !p.isActive()) {
          out.add(new Violation(table, organizationId, p.key(), p.activeFrom(), null, 0,
              "open record (activeUntil null) is not active"));
        }
        if (i == 0) {
          continue;
        }
        Period prev = periods.get(i - 1);
        if (Objects.equals(prev.activeFrom(), p.activeFrom()) && Objects.equals(prev.activeUntil(), p.activeUntil())) {
          out.add(new Violation(table, organizationId, p.key(), p.activeFrom(), prev.activeUntil(), 0,
              "twin rows with the same activeFrom and activeUntil"));
          continue;
        }
        LocalDate prevUntil = prev.activeUntil() == null ? snapshotDate : prev.activeUntil();
        long gap = ChronoUnit.DAYS.between(prevUntil, p.activeFrom());
        if (prev.activeUntil() == null) {
          out.add(new Violation(table, organizationId, p.key(), p.activeFrom(), prevUntil, gap,
              "overlap: an earlier row is still open"));
        } else if (gap > 0) {
          out.add(new Violation(table, organizationId, p.key(), p.activeFrom(), prevUntil, gap, "gap"));
        } else if (gap < 0) {
          out.add(new Violation(table, organizationId, p.key(), p.activeFrom(), prevUntil, gap, "overlap"));
        }
      }
    }
    return out;
  }
}
