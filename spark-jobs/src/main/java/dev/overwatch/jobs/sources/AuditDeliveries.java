package dev.overwatch.jobs.sources;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The delivered audit records of some days, whatever the delivery format (inputs.md 1.2, modules.md 1004):
 * {@code json} lines or {@code parquet} files under {@code <root>/date=YYYY-MM-DD/}, or a {@code delta} table at
 * {@code <root>} with a {@code date} column. Every format comes back as the same rows: {@link #SCHEMA}, one per
 * record, the record as one JSON object, so one validation and one parser serve all formats and the same records
 * give the same bronze rows.
 */
public final class AuditDeliveries {
  /** filename, position in it, the record as JSON (null when unreadable), the read error, the delivery day. */
  public static final StructType SCHEMA = new StructType()
      .add("filename", DataTypes.StringType)
      .add("position", DataTypes.StringType)
      .add("line", DataTypes.StringType)
      .add("error", DataTypes.StringType)
      .add("__audit_day", DataTypes.StringType);
  /** Top-level fields that are objects in an audit record; a columnar delivery may carry them as JSON text. */
  private static final List<String> OBJECT_FIELDS = List.of("requestParams", "response", "userIdentity");

  private AuditDeliveries() {}

  /** The records of days {@code from} .. {@code until} (inclusive); empty when nothing was delivered for them. */
  public static Dataset<Row> read(SparkSession spark, String root, String format, LocalDate from, LocalDate until) {
    return switch (format.toLowerCase(Locale.ROOT)) {
      case "json" -> json(spark, dayFiles(spark, root, from, until));
      case "parquet" -> parquet(spark, dayFiles(spark, root, from, until));
      case "delta" -> delta(spark, root, from, until);
      default -> throw new IllegalArgumentException("auditLogs.format: " + format + " is not json, parquet or delta");
    };
  }

  /** Files of the existing {@code date=} folders, in day order. */
  private static List<String> dayFiles(SparkSession spark, String root, LocalDate from, LocalDate until) {
    List<String> files = new ArrayList<>();
    for (LocalDate d = from; !d.isAfter(until); d = d.plusDays(1)) {
      files.addAll(TextLines.listFiles(spark, root + "/date=" + d));
    }
    return files;
  }

  private static Column dayOf(Column filename) {
    return regexp_extract(filename, "date=(\\d{4}-\\d{2}-\\d{2})", 1);
  }

  private static Dataset<Row> json(SparkSession spark, List<String> files) {
    return TextLines.read(spark, files).select(col("filename"),
        when(col("offset").lt(0), lit("file")).otherwise(concat(lit("byte "), col("offset").cast("string")))
            .as("position"),
        col("line"), col("error"), dayOf(col("filename")).as("__audit_day"));
  }

  /**
   * Parquet files, grouped by schema so files of different shapes are never merged into one (a wrong type in one
   * file must not fail the others). A file whose footer cannot be read is one row with the error.
   */
  private static Dataset<Row> parquet(SparkSession spark, List<String> files) {
    Map<StructType, List<String>> bySchema = new LinkedHashMap<>();
    List<Row> unreadable = new ArrayList<>();
    for (String f : files) {
      try {
        bySchema.computeIfAbsent(spark.read().parquet(f).schema(), s -> new ArrayList<>()).add(f);
      } catch (Exception e) { // Spark's SparkException is checked in Java's eyes but thrown undeclared
        unreadable.add(RowFactory.create(f, "file", null, "unreadable parquet file: " + firstLine(e),
            f.replaceAll(".*date=(\\d{4}-\\d{2}-\\d{2}).*", "$1")));
      }
    }
    Dataset<Row> out = spark.createDataFrame(unreadable, SCHEMA);
    for (Map.Entry<StructType, List<String>> group : bySchema.entrySet()) {
      Dataset<Row> df = spark.read().schema(group.getKey()).parquet(group.getValue().toArray(String[]::new));
      out = out.unionByName(records(df, col("_metadata.file_path"),
          concat(lit("row "), col("_metadata.row_index").cast("string")), dayOf(col("_metadata.file_path")), List.of()));
    }
    return out;
  }

  /** A Delta table of audit records with a {@code date} column (the delivery day), read for the days. */
  private static Dataset<Row> delta(SparkSession spark, String root, LocalDate from, LocalDate until) {
    Dataset<Row> table = spark.read().format("delta").load(root);
    String date = Arrays.stream(table.columns()).filter(c -> c.equalsIgnoreCase("date")).findFirst()
        .orElseThrow(() -> new IllegalStateException("auditLogs.path " + root
            + " is a Delta table without a date column (the delivery day the window reads)"));
    Column day = col(date).cast("date");
    Dataset<Row> days = table.where(day.geq(lit(from.toString()).cast("date")).and(day.leq(lit(until.toString())
        .cast("date"))));
    // Delta's file metadata has no row index: a quarantined record is found by its file and its content.
    return records(days, col("_metadata.file_path"), lit("record"), day.cast("string"), List.of(date));
  }

  /** Each row as one JSON object (objects delivered as JSON text parsed back to objects), minus {@code drop}. */
  private static Dataset<Row> records(Dataset<Row> df, Column filename, Column position, Column day,
      List<String> drop) {
    List<Column> fields = new ArrayList<>();
    for (StructField f : df.schema().fields()) {
      if (drop.contains(f.name())) {
        continue;
      }
      Column c = col("`" + f.name() + "`");
      if (f.dataType().equals(DataTypes.StringType) && OBJECT_FIELDS.contains(f.name())) {
        c = org.apache.spark.sql.functions.try_parse_json(c);
      }
      fields.add(c.as(f.name()));
    }
    return df.select(filename.as("filename"),
        position.as("position"),
        to_json(struct(fields.toArray(Column[]::new))).as("line"), lit(null).cast("string").as("error"),
        day.as("__audit_day"));
  }

  private static String firstLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = String.valueOf(root.getMessage());
    int nl = msg.indexOf('\n');
    return nl < 0 ? msg : msg.substring(0, nl);
  }
}
