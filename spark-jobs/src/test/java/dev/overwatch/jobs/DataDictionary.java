package dev.overwatch.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.overwatch.jobs.engine.ConsumerView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The data dictionary under docs/data-dictionary: one file per view, its column table read back so tests can
 * hold it to the views the code publishes (names and order always; types where a test has the real tables).
 */
public final class DataDictionary {
  /** Tests run in spark-jobs/. */
  public static final Path FOLDER = Path.of("../docs/data-dictionary");
  private static final Pattern ROW = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|\\s*([^|]*?)\\s*\\|.*$");
  private static final String HEADER = "| column | type | meaning |";

  private DataDictionary() {}

  /** One documented column. */
  public record Column(String name, String type) {}

  public static Path file(String view) {
    return FOLDER.resolve(view.toLowerCase(java.util.Locale.ROOT) + ".md");
  }

  /** The views that have a file (file names without .md, README.md excluded). */
  public static List<String> documentedViews() {
    try (Stream<Path> files = Files.list(FOLDER)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".md") && !n.equals("README.md"))
          .map(n -> n.substring(0, n.length() - 3)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The column table of a view's file, in order; fails naming the file when it has none. */
  public static List<Column> columns(String view) {
    List<String> lines = lines(file(view));
    int header = lines.indexOf(HEADER);
    if (header < 0) {
      throw new AssertionError(file(view) + " has no column table (a line '" + HEADER + "')");
    }
    List<Column> out = new ArrayList<>();
    for (String line : lines.subList(header + 2, lines.size())) {
      Matcher m = ROW.matcher(line);
      if (!m.matches()) {
        break;
      }
      out.add(new Column(m.group(1), m.group(2)));
    }
    return out;
  }

  /** The dictionary's spelling of a Spark type: simple names, any struct written {@code struct}. */
  public static String typeName(DataType type) {
    if (type instanceof StructType) {
      return "struct";
    }
    if (type instanceof ArrayType a) {
      return "array<" + typeName(a.elementType()) + ">";
    }
    if (type instanceof MapType m) {
      return "map<" + typeName(m.keyType()) + "," + typeName(m.valueType()) + ">";
    }
    return type.simpleString();
  }

  /** The columns of a schema as the dictionary writes them. */
  public static List<Column> columns(StructType schema) {
    List<Column> out = new ArrayList<>();
    for (StructField f : schema.fields()) {
      out.add(new Column(f.name(), typeName(f.dataType())));
    }
    return out;
  }

  /** The view's file lists exactly the schema's columns, in order, with their types. */
  public static void assertDocuments(String view, StructType schema) {
    assertEquals(table(columns(schema)), table(columns(view)), () -> file(view) + " does not match the published view " + view);
  }

  /** The same for a consumer view computed over its gold rows (the SELECT the presentation step publishes). */
  public static void assertDocuments(ConsumerView view, Dataset<Row> gold) {
    assertDocuments(view.name(), gold.selectExpr(view.selectList().toArray(String[]::new)).schema());
  }

  /** Rewrites the type cells of a view's file from a schema (generator mode); names must already match. */
  public static void updateTypes(String view, StructType schema) {
    List<String> lines = new ArrayList<>(lines(file(view)));
    int header = lines.indexOf(HEADER);
    List<Column> real = columns(schema);
    for (int i = 0; i < real.size() && header + 2 + i < lines.size(); i++) {
      String line = lines.get(header + 2 + i);
      Matcher m = ROW.matcher(line);
      if (!m.matches() || !m.group(1).equals(real.get(i).name())) {
        throw new AssertionError(file(view) + ": column " + (i + 1) + " should be " + real.get(i).name() + ": " + line);
      }
      lines.set(header + 2 + i, line.substring(0, m.start(2)) + real.get(i).type() + line.substring(m.end(2)));
    }
    try {
      Files.writeString(file(view), String.join("\n", lines) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String table(List<Column> columns) {
    StringBuilder b = new StringBuilder();
    columns.forEach(c -> b.append(c.name()).append(' ').append(c.type()).append('\n'));
    return b.toString();
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("no data dictionary file " + file + " (docs/data-dictionary/<view>.md)", e);
    }
  }
}
