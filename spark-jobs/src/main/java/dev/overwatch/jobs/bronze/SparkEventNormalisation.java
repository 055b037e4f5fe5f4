package dev.overwatch.jobs.bronze;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.to_timestamp;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.when;

import dev.overwatch.jobs.engine.SchemaEnforcer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The column-level normalisation of parsed Spark events (inputs.md 4.3 steps 2-8). Expects a frame
 * parsed case-sensitively with the raw (Title Case with spaces) field names.
 */
final class SparkEventNormalisation {
  static final List<String> BULKY = List.of("Classpath Entries", "System Properties", "sparkPlanInfo",
      "Spark Properties", "HadoopProperties", "Hadoop Properties", "SparkContext Id", "Stage Infos");
  static final List<String> MAP_COLUMNS = List.of("Properties", "modifiedConfigs", "extraTags");
  static final String SPECULATIVE = "org.apache.spark.scheduler.SparkListenerSpeculativeTaskSubmitted";
  static final MapType STRING_MAP = DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType);

  private SparkEventNormalisation() {}

  static Dataset<Row> normalise(Dataset<Row> parsed) {
    Set<String> cols = new LinkedHashSet<>(Arrays.asList(parsed.columns()));
    Dataset<Row> df = parsed;
    for (String bulky : BULKY) {
      if (cols.contains(bulky)) {
        df = df.drop(col("`" + bulky + "`"));
      }
    }
    // Timestamp: core events carry epoch ms in "Timestamp"; streaming QueryStarted/Idle events an ISO "timestamp".
    Column ts = cols.contains("Timestamp") ? col("Timestamp").cast("long") : lit(null).cast("long");
    if (cols.contains("timestamp")) {
      DataType t = parsed.schema().apply("timestamp").dataType();
      Column lower = t.equals(DataTypes.StringType) ? unix_millis(to_timestamp(col("timestamp"))) : col("timestamp").cast("long");
      ts = coalesce(ts, lower);
    }
    Column stageId = when(col("Event").equalTo(SPECULATIVE), orNull(cols, "stageId", "long"))
        .otherwise(orNull(cols, "Stage ID", "long"));
    Column stageAttempt = when(col("Event").equalTo(SPECULATIVE), orNull(cols, "stageAttemptId", "long"))
        .otherwise(orNull(cols, "Stage Attempt ID", "long"));
    // The original concatenated both ids (null for normal events); coalesce keeps each event's own id.
    Column executorId = coalesce(orNull(cols, "Executor ID", "string"), orNull(cols, "executorId", "string"));
    Column progress = cols.contains("progress") ? to_json(col("progress")) : lit(null).cast("string");
    // Computed under temporary names first: the new columns reuse the names of the raw ones they replace.
    df = df.withColumn("__Timestamp", ts)
        .withColumn("__StageID", stageId)
        .withColumn("__StageAttemptID", stageAttempt)
        .withColumn("__ExecutorID", executorId)
        .withColumn("__progress", progress)
        .drop("Timestamp", "timestamp", "Stage ID", "stageId", "Stage Attempt ID", "stageAttemptId",
            "Executor ID", "executorId", "progress", "StageID", "StageAttemptID", "ExecutorID")
        .withColumnRenamed("__Timestamp", "Timestamp")
        .withColumnRenamed("__StageID", "StageID")
        .withColumnRenamed("__StageAttemptID", "StageAttemptID")
        .withColumnRenamed("__ExecutorID", "ExecutorID")
        .withColumnRenamed("__progress", "progress");
    for (String m : MAP_COLUMNS) {
      if (cols.contains(m)) {
        df = df.withColumn(m, toStringMap(col(m), df.schema().apply(m).dataType(), m.equals("Properties")));
      }
    }
    return scrubNames(df);
  }

  private static Column orNull(Set<String> cols, String name, String type) {
    return cols.contains(name) ? col("`" + name + "`").cast(type) : lit(null).cast(type);
  }

  /** struct -> map<string,string> (nulls dropped); Properties keys lose whitespace and dots (special rule). */
  private static Column toStringMap(Column c, DataType type, boolean properties) {
    Column map = type instanceof MapType ? c.cast(STRING_MAP) : from_json(to_json(c), STRING_MAP);
    if (!properties) {
      return map;
    }
    Column scrubbed = org.apache.spark.sql.functions.transform_keys(map, (k, v) ->
        org.apache.spark.sql.functions.regexp_replace(
            org.apache.spark.sql.functions.regexp_replace(
                org.apache.spark.sql.functions.regexp_replace(k, "\\s", ""), "\\.", ""), "[^a-zA-Z0-9]", "_"));
    return org.apache.spark.sql.functions.map_filter(scrubbed, (k, v) -> k.notEqual(lit("sparkexecutorextraClassPath")));
  }

  /** Scrubs every field name (pipeline.md 5.4) through structs and arrays, never into maps. */
  static Dataset<Row> scrubNames(Dataset<Row> df) {
    StructType schema = df.schema();
    List<String> names = scrubbedNames(schema);
    List<Column> out = new ArrayList<>();
    for (int i = 0; i < schema.fields().length; i++) {
      StructField f = schema.fields()[i];
      DataType scrubbedType = scrubType(f.dataType());
      Column c = col("`" + f.name() + "`");
      out.add((scrubbedType.equals(f.dataType()) ? c : c.cast(scrubbedType)).as(names.get(i)));
    }
    return df.select(out.toArray(Column[]::new));
  }

  static DataType scrubType(DataType t) {
    if (t instanceof StructType s) {
      List<String> names = scrubbedNames(s);
      StructField[] fields = new StructField[s.fields().length];
      for (int i = 0; i < fields.length; i++) {
        StructField f = s.fields()[i];
        fields[i] = new StructField(names.get(i), scrubType(f.dataType()), f.nullable(), f.metadata());
      }
      return new StructType(fields);
    }
    if (t instanceof ArrayType a) {
      return DataTypes.createArrayType(scrubType(a.elementType()), a.containsNull());
    }
    return t;
  }

  /**
   * Whitespace removed, other non-alphanumerics to "_"; siblings that collide (case-insensitively, as the
   * catalog and Delta compare names) get a suffix derived from their original name.
   */
  private static List<String> scrubbedNames(StructType s) {
    List<String> scrubbed = new ArrayList<>();
    Map<String, Integer> counts = new HashMap<>();
    for (StructField f : s.fields()) {
      String n = f.name().replaceAll("\\s", "").replaceAll("[^a-zA-Z0-9]", "_");
      scrubbed.add(n);
      counts.merge(n.toLowerCase(Locale.ROOT), 1, Integer::sum);
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < scrubbed.size(); i++) {
      String n = scrubbed.get(i);
      out.add(counts.get(n.toLowerCase(Locale.ROOT)) > 1
          ? n + "_UNIQUESUFFIX_" + Integer.toHexString(s.fields()[i].name().hashCode()) + "_" + i : n);
    }
    return out;
  }

  /**
   * Gives fields the types already settled for them, so a batch that happens to lack information does not
   * clash with the table: arrays empty in every record are inferred as array<string> (e.g. Accumulables,
   * StageInfo.ParentIDs of single-stage jobs), fields null in every record as string. {@code settled} is the
   * bronze table's schema (empty on the first run); the minimum schema covers the fields it does not have.
   */
  static Dataset<Row> alignTypes(Dataset<Row> df, StructType minimum, StructType settled) {
    List<Column> out = new ArrayList<>();
    for (StructField f : df.schema().fields()) {
      Column c = col("`" + f.name() + "`");
      StructField want = Optional.ofNullable(find(settled, f.name())).orElse(find(minimum, f.name()));
      DataType aligned = want == null ? f.dataType() : align(f.dataType(), want.dataType());
      Column conformed;
      if (aligned.equals(f.dataType())) {
        conformed = c;
      } else if (Cast.canCast(f.dataType(), aligned)) {
        // try_cast: a value that really has another type becomes null instead of failing the batch (ANSI mode).
        conformed = c.try_cast(aligned);
      } else {
        // array<string> -> array<struct> has no cast; the JSON round trip maps empty arrays to empty arrays.
        conformed = when(c.isNull(), lit(null).cast(aligned)).otherwise(from_json(to_json(c), aligned));
      }
      out.add(conformed.as(f.name()));
    }
    return df.select(out.toArray(Column[]::new));
  }

  private static DataType align(DataType have, DataType want) {
    if (have instanceof StructType hs && want instanceof StructType ws) {
      StructField[] fields = hs.fields().clone();
      for (int i = 0; i < fields.length; i++) {
        StructField w = find(ws, fields[i].name());
        if (w != null) {
          fields[i] = new StructField(fields[i].name(), align(fields[i].dataType(), w.dataType()),
              fields[i].nullable(), fields[i].metadata());
        }
      }
      return new StructType(fields);
    }
    if (have instanceof ArrayType ha && want instanceof ArrayType wa) {
      if (ha.elementType().equals(DataTypes.StringType)) {
        return wa;
      }
      return DataTypes.createArrayType(align(ha.elementType(), wa.elementType()), ha.containsNull());
    }
    // A field null in every record is inferred as string; keep the settled type.
    if (have.equals(DataTypes.StringType) && !want.equals(DataTypes.StringType) && !(want instanceof MapType)) {
      return want;
    }
    return have;
  }

  private static StructField find(StructType s, String name) {
    for (StructField f : s.fields()) {
      if (f.name().equalsIgnoreCase(name)) {
        return f;
      }
    }
    return null;
  }

  /** Removes TaskMetrics.UpdatedBlocks (bulky, unused downstream). */
  static Dataset<Row> dropUpdatedBlocks(Dataset<Row> df) {
    if (!Arrays.asList(df.columns()).contains("TaskMetrics")
        || !(df.schema().apply("TaskMetrics").dataType() instanceof StructType tm)
        || Arrays.stream(tm.fieldNames()).noneMatch(n -> n.equals("UpdatedBlocks"))) {
      return df;
    }
    return df.withColumn("TaskMetrics", SchemaEnforcer.dropFields(col("TaskMetrics"), List.of("UpdatedBlocks")));
  }
}
