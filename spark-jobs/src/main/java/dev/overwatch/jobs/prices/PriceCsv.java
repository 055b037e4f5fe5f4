package dev.overwatch.jobs.prices;

import com.univocity.parsers.common.TextParsingException;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a node price file (bundled per cloud, or the user's override): header names matched
 * case-insensitively (the original GCP file spells {@code API_name}), values checked per row. A bad
 * row is rejected with its line and reason and the others are kept; an unknown column rejects the
 * whole file, so a misspelt header cannot silently drop a price.
 */
public final class PriceCsv {
  static final String API_NAME = "API_Name";
  static final String INSTANCE = "instance";
  static final String VCPUS = "vCPUs";
  static final String MEMORY = "Memory_GB";
  static final String GPUS = "GPUs";
  static final String CONTRACT = "Compute_Contract_Price";
  static final String ON_DEMAND = "On_Demand_Cost_Hourly";
  static final String DBUS = "Hourly_DBUs";
  private static final List<String> COLUMNS = List.of(API_NAME, INSTANCE, VCPUS, MEMORY, GPUS, CONTRACT, ON_DEMAND, DBUS);
  /** Accepted spellings of the informational name column (AWS files call it Name). */
  private static final Map<String, String> ALIASES = Map.of("name", INSTANCE);

  private PriceCsv() {}

  /** A row that was not used, and why. */
  public record Rejected(String source, long line, String reason, String record) {}

  /** The usable rows (in file order, one per key) and the rejected ones. */
  public record Parsed(List<InstancePrice> rows, List<Rejected> rejected) {
    public Map<String, InstancePrice> byKey() {
      Map<String, InstancePrice> out = new LinkedHashMap<>();
      rows.forEach(r -> out.put(r.key(), r));
      return out;
    }
  }

  /** The bundled file of a cloud (AWS, Azure, GCP; case-insensitive). */
  public static Parsed bundled(String cloud) {
    String resource = "/prices/" + cloud.toLowerCase(Locale.ROOT) + ".csv";
    try (InputStream in = PriceCsv.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no bundled price file for cloud " + cloud + " (" + resource + ")");
      }
      Parsed parsed = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource, Map.of());
      if (!parsed.rejected().isEmpty()) {
        throw new IllegalStateException("bundled price file " + resource + " has bad rows: " + parsed.rejected());
      }
      return parsed;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses a price file. A row whose API_Name is in {@code base} may leave columns empty or out
   * (they keep the base row's values); a new node type needs vCPUs, Memory_GB, Hourly_DBUs and a price.
   */
  public static Parsed parse(String content, String source, Map<String, InstancePrice> base) {
    try {
      return parseChecked(content, source, base);
    } catch (TextParsingException e) {
      // A value longer than the limit or broken quoting: the file as a whole is unusable.
      throw new IllegalArgumentException("price file " + source + " is not readable CSV near line "
          + e.getLineIndex() + ": " + e.getMessage().lines().findFirst().orElse(""), e);
    }
  }

  /** A parser positioned before the header line of a price file (values up to 4 KiB, empty lines skipped). */
  static CsvParser open(String content) {
    CsvParserSettings settings = new CsvParserSettings();
    settings.setHeaderExtractionEnabled(false);
    settings.setLineSeparatorDetectionEnabled(true);
    settings.setSkipEmptyLines(true);
    settings.setMaxCharsPerColumn(4096);
    CsvParser parser = new CsvParser(settings);
    parser.beginParsing(new StringReader(content));
    return parser;
  }

  private static Parsed parseChecked(String content, String source, Map<String, InstancePrice> base) {
    CsvParser parser = open(content);
    String[] header = parser.parseNext();
    if (header == null) {
      throw new IllegalArgumentException("price file " + source + " is empty (a header line is required)");
    }
    Map<String, Integer> index = headerIndex(header, source);
    List<InstancePrice> rows = new ArrayList<>();
    List<Rejected> rejected = new ArrayList<>();
    Map<String, Long> firstLine = new HashMap<>();
    String[] values;
    while ((values = parser.parseNext()) != null) {
      long line = parser.getContext().currentLine();
      String record = parser.getContext().currentParsedContent();
      record = record == null ? String.join(",", values) : record.strip();
      if (values.length > header.length) {
        rejected.add(new Rejected(source, line, "row has " + values.length + " values, header has " + header.length, record));
        continue;
      }
      try {
        InstancePrice row = row(values, index, base);
        Long earlier = firstLine.putIfAbsent(row.key(), line);
        if (earlier != null) {
          rejected.add(new Rejected(source, line, "duplicate API_Name " + row.apiName() + " (first on line " + earlier + ")", record));
          continue;
        }
        rows.add(row);
      } catch (IllegalArgumentException e) {
        rejected.add(new Rejected(source, line, e.getMessage(), record));
      }
    }
    return new Parsed(List.copyOf(rows), List.copyOf(rejected));
  }

  private static Map<String, Integer> headerIndex(String[] header, String source) {
    return headerIndex(header, "price file " + source, COLUMNS, ALIASES, List.of(API_NAME));
  }

  /**
   * Column name -> position from a header line, names matched case-insensitively ({@code aliases}: other
   * spellings, lower-case, of a column). An unknown or repeated column, or a missing {@code required} one, rejects
   * the whole file, named by {@code file}, so a misspelt header cannot silently drop a value.
   */
  static Map<String, Integer> headerIndex(String[] header, String file, List<String> columns,
      Map<String, String> aliases, List<String> required) {
    Map<String, String> known = new HashMap<>();
    columns.forEach(c -> known.put(c.toLowerCase(Locale.ROOT), c));
    aliases.forEach(known::put);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < header.length; i++) {
      String name = header[i] == null ? "" : header[i].trim();
      String column = known.get(name.toLowerCase(Locale.ROOT));
      if (column == null) {
        throw new IllegalArgumentException(file + ": unknown column '" + name + "' (known: "
            + String.join(", ", columns) + ")");
      }
      if (index.putIfAbsent(column, i) != null) {
        throw new IllegalArgumentException(file + ": column " + column + " appears twice");
      }
    }
    for (String column : required) {
      if (!index.containsKey(column)) {
        throw new IllegalArgumentException(file + ": the header has no " + column + " column");
      }
    }
    return index;
  }

  private static InstancePrice row(String[] values, Map<String, Integer> index, Map<String, InstancePrice> base) {
    String apiName = text(values, index, API_NAME);
    if (apiName == null) {
      throw new IllegalArgumentException("API_Name is empty");
    }
    InstancePrice known = base.get(InstancePrice.normalise(apiName));
    String instance = text(values, index, INSTANCE);
    Integer vcpus = integer(values, index, VCPUS);
    Double memory = number(values, index, MEMORY);
    Integer gpus = integer(values, index, GPUS);
    Double contract = number(values, index, CONTRACT);
    Double onDemand = number(values, index, ON_DEMAND);
    Double dbus = number(values, index, DBUS);
    if (known == null) {
      require(vcpus, VCPUS, apiName);
      require(memory, MEMORY, apiName);
      require(dbus, DBUS, apiName);
      if (contract == null && onDemand == null) {
        throw new IllegalArgumentException("new node type " + apiName + " needs " + CONTRACT + " or " + ON_DEMAND);
      }
      // The list price is the contract price unless the file says otherwise (costs.md 2.1).
      return new InstancePrice(apiName.trim(), instance, vcpus, memory, gpus == null ? 0 : gpus,
          contract == null ? onDemand : contract, onDemand == null ? contract : onDemand, dbus);
    }
    Double newOnDemand = onDemand == null ? known.onDemandCostHourly() : onDemand;
    Double newContract = contract != null ? contract : onDemand != null ? onDemand : known.computeContractPrice();
    return new InstancePrice(known.apiName(), instance == null ? known.instance() : instance,
        vcpus == null ? known.vCPUs() : vcpus, memory == null ? known.memoryGb() : memory,
        gpus == null ? known.gpus() : gpus, newContract, newOnDemand, dbus == null ? known.hourlyDbus() : dbus);
  }

  private static void require(Object value, String column, String apiName) {
    if (value == null) {
      throw new IllegalArgumentException("new node type " + apiName + " needs " + column);
    }
  }

  /** The trimmed value of a column, or null when the row has none. */
  static String text(String[] values, Map<String, Integer> index, String column) {
    Integer i = index.get(column);
    if (i == null || i >= values.length || values[i] == null || values[i].isBlank()) {
      return null;
    }
    return values[i].trim();
  }

  private static Double number(String[] values, Map<String, Integer> index, String column) {
    String v = text(values, index, column);
    if (v == null) {
      return null;
    }
    double d;
    try {
      d = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(column + " is not a number: '" + v + "'");
    }
    if (d < 0 || Double.isNaN(d) || Double.isInfinite(d)) {
      throw new IllegalArgumentException(column + " must be a finite number >= 0: '" + v + "'");
    }
    return d;
  }

  /** A whole number >= 0, or null when empty; otherwise the row is rejected naming the column. */
  static Integer integer(String[] values, Map<String, Integer> index, String column) {
    String v = text(values, index, column);
    if (v == null) {
      return null;
    }
    try {
      int i = Integer.parseInt(v);
      if (i < 0) {
        throw new NumberFormatException();
      }
      return i;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(column + " is not a whole number >= 0: '" + v + "'");
    }
  }
}
