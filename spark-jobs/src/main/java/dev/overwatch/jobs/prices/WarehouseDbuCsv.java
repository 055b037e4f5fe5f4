package dev.overwatch.jobs.prices;

import com.univocity.parsers.common.TextParsingException;
import com.univocity.parsers.csv.CsvParser;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The deployment's SQL warehouse rate file ({@code spec.prices.warehouseDbuDetailsCsv}, docs/dbsql.md) and how its
 * rows become Type-2 rows of warehouseDbuDetails. Header (case-insensitive): {@code cluster_size},
 * {@code total_dbus} and {@code activeFrom} (yyyy-MM-dd) required, {@code driver_size} and {@code worker_count}
 * optional (a bundled size keeps its own). Each row is the size's rate from its activeFrom on (a date before the
 * primordial date counts from the primordial date). Bad rows are rejected with line and reason, the others apply.
 */
public final class WarehouseDbuCsv {
  static final String SIZE = "cluster_size";
  static final String DBUS = "total_dbus";
  static final String FROM = "activeFrom";
  static final String DRIVER = "driver_size";
  static final String WORKERS = "worker_count";
  private static final List<String> COLUMNS = List.of(SIZE, DBUS, FROM, DRIVER, WORKERS);

  private WarehouseDbuCsv() {}

  /** The rate of one size: what a row of the table holds besides its period. */
  public record Rate(String clusterSize, String driverSize, Integer workerCount, int totalDbus) {
    boolean sameAs(Rate o) {
      return totalDbus == o.totalDbus && Objects.equals(workerCount, o.workerCount)
          && Objects.equals(driverSize == null ? null : driverSize.toLowerCase(Locale.ROOT),
              o.driverSize == null ? null : o.driverSize.toLowerCase(Locale.ROOT));
    }
  }

  /** A usable row of the file. */
  public record Row(Rate rate, LocalDate activeFrom, long line, String record) {}

  /** The usable rows (file order) and the rejected ones. */
  public record Parsed(List<Row> rows, List<PriceCsv.Rejected> rejected) {}

  /** One row of the table, stored or planned: {@code stored} rows are only ever closed, the others inserted. */
  public record Version(Rate rate, LocalDate activeFrom, LocalDate activeUntil, boolean stored, boolean closedNow) {
    boolean open() {
      return activeUntil == null;
    }
  }

  /** What the refresh does: the rows to insert, the stored rows to close, the file rows it could not apply. */
  public record Plan(List<Version> inserts, List<Version> closes, List<PriceCsv.Rejected> rejected) {}

  /** Parses the file; {@code bundled} sizes (normalised key -> size) fill the optional columns. */
  public static Parsed parse(String content, String source, Map<String, WarehouseDbuDetails.Size> bundled) {
    try {
      CsvParser parser = PriceCsv.open(content);
      String[] header = parser.parseNext();
      if (header == null) {
        throw new IllegalArgumentException("warehouse rate file " + source + " is empty (a header line is required)");
      }
      Map<String, Integer> index = PriceCsv.headerIndex(header, "warehouse rate file " + source, COLUMNS, Map.of(),
          List.of(SIZE, DBUS, FROM));
      List<Row> rows = new ArrayList<>();
      List<PriceCsv.Rejected> rejected = new ArrayList<>();
      Map<String, Long> seen = new HashMap<>();
      String[] values;
      while ((values = parser.parseNext()) != null) {
        long line = parser.getContext().currentLine();
        String raw = parser.getContext().currentParsedContent();
        String record = raw == null ? String.join(",", values) : raw.strip();
        try {
          if (values.length > header.length) {
            throw new IllegalArgumentException("row has " + values.length + " values, header has " + header.length);
          }
          Row row = row(values, index, bundled, line, record);
          Long earlier = seen.putIfAbsent(WarehouseDbuDetails.normalise(row.rate().clusterSize()) + "|" + row.activeFrom(), line);
          if (earlier != null) {
            throw new IllegalArgumentException("duplicate cluster_size " + row.rate().clusterSize() + " from "
                + row.activeFrom() + " (first on line " + earlier + ")");
          }
          rows.add(row);
        } catch (IllegalArgumentException e) {
          rejected.add(new PriceCsv.Rejected(source, line, e.getMessage(), record));
        }
      }
      return new Parsed(List.copyOf(rows), List.copyOf(rejected));
    } catch (TextParsingException e) {
      throw new IllegalArgumentException("warehouse rate file " + source + " is not readable CSV near line "
          + e.getLineIndex() + ": " + e.getMessage().lines().findFirst().orElse(""), e);
    }
  }

  private static Row row(String[] values, Map<String, Integer> index, Map<String, WarehouseDbuDetails.Size> bundled,
      long line, String record) {
    String size = PriceCsv.text(values, index, SIZE);
    if (size == null) {
      throw new IllegalArgumentException("cluster_size is empty");
    }
    Integer dbus = PriceCsv.integer(values, index, DBUS);
    if (dbus == null) {
      throw new IllegalArgumentException("total_dbus is empty");
    }
    String from = PriceCsv.text(values, index, FROM);
    if (from == null) {
      throw new IllegalArgumentException("activeFrom is empty (yyyy-MM-dd)");
    }
    LocalDate activeFrom;
    try {
      activeFrom = LocalDate.parse(from);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("activeFrom is not a date (yyyy-MM-dd): '" + from + "'");
    }
    WarehouseDbuDetails.Size known = bundled.get(WarehouseDbuDetails.normalise(size));
    String driver = PriceCsv.text(values, index, DRIVER);
    Integer workers = PriceCsv.integer(values, index, WORKERS);
    Rate rate = new Rate(known == null ? size : known.clusterSize(),
        driver != null ? driver : known == null ? null : known.driverSize(),
        workers != null ? workers : known == null ? null : known.workerCount(), dbus);
    return new Row(rate, activeFrom, line, record);
  }

  /**
   * The Type-2 changes (pure). Per size: a size new to the table starts with its bundled rate from the primordial
   * date; then each file row in date order: a row equal to the version starting that day, or to the open version,
   * changes nothing (reruns write nothing); a row after the open version's start closes it that day and opens the
   * new rate; a row that would rewrite stored history (earlier than the open version, or another rate for a stored
   * version's start) is rejected: history is changed with SQL (docs/prices.md).
   *
   * @param stored the table's rows of the workspace per normalised size
   * @param source the file, named in rejections
   */
  public static Plan plan(Map<String, List<Version>> stored, List<Row> file, List<WarehouseDbuDetails.Size> bundled,
      LocalDate primordial, String source) {
    Map<String, List<Version>> versions = new LinkedHashMap<>();
    stored.forEach((k, v) -> versions.put(k, new ArrayList<>(v)));
    for (WarehouseDbuDetails.Size s : bundled) {
      versions.computeIfAbsent(WarehouseDbuDetails.normalise(s.clusterSize()), k -> new ArrayList<>(List.of(new Version(
          new Rate(s.clusterSize(), s.driverSize(), s.workerCount(), s.totalDbus()), primordial, null, false, false))));
    }
    List<PriceCsv.Rejected> rejected = new ArrayList<>();
    List<Row> ordered = file.stream().sorted(Comparator.comparing(Row::activeFrom)).toList();
    for (Row row : ordered) {
      LocalDate from = row.activeFrom().isBefore(primordial) ? primordial : row.activeFrom();
      List<Version> list = versions.computeIfAbsent(WarehouseDbuDetails.normalise(row.rate().clusterSize()),
          k -> new ArrayList<>());
      String problem = apply(list, row.rate(), from);
      if (problem != null) {
        rejected.add(new PriceCsv.Rejected(source, row.line(), problem, row.record()));
      }
    }
    rejected.sort(Comparator.comparingLong(PriceCsv.Rejected::line));
    List<Version> inserts = new ArrayList<>();
    List<Version> closes = new ArrayList<>();
    versions.values().forEach(list -> list.forEach(v -> {
      if (!v.stored()) {
        inserts.add(v);
      } else if (v.closedNow()) {
        closes.add(v);
      }
    }));
    return new Plan(inserts, closes, rejected);
  }

  /** Applies one file row to the versions of its size; returns why it cannot, or null. */
  private static String apply(List<Version> list, Rate rate, LocalDate from) {
    for (int i = 0; i < list.size(); i++) {
      Version v = list.get(i);
      if (v.activeFrom().equals(from)) {
        if (v.rate().sameAs(rate)) {
          return null;
        }
        if (!v.stored()) {
          // A planned row (the bundled seed, an earlier file row of this refresh) takes the file's rate.
          list.set(i, new Version(rate, from, v.activeUntil(), false, false));
          return null;
        }
        return "the stored row of " + rate.clusterSize() + " from " + from + " has another rate; change stored history"
            + " with SQL (docs/prices.md)";
      }
    }
    Version open = list.stream().filter(Version::open).max(Comparator.comparing(Version::activeFrom)).orElse(null);
    if (open == null) {
      LocalDate lastUntil = list.stream().map(Version::activeUntil).max(Comparator.naturalOrder()).orElse(null);
      if (lastUntil != null && from.isBefore(lastUntil)) {
        return "activeFrom " + from + " overlaps the stored rows of " + rate.clusterSize() + " (until " + lastUntil + ")";
      }
      list.add(new Version(rate, from, null, false, false));
      return null;
    }
    if (from.isBefore(open.activeFrom())) {
      return "activeFrom " + from + " is before the open row of " + rate.clusterSize() + " (from " + open.activeFrom()
          + "); change stored history with SQL (docs/prices.md)";
    }
    if (open.rate().sameAs(rate)) {
      return null;
    }
    list.set(list.indexOf(open), new Version(open.rate(), open.activeFrom(), from, open.stored(), open.stored()));
    list.add(new Version(rate, from, null, false, false));
    return null;
  }
}
