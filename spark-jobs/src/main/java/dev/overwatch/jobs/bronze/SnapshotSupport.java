package dev.overwatch.jobs.bronze;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.Quarantine;
import dev.overwatch.jobs.engine.SchemaEnforcer;
import dev.overwatch.jobs.engine.TableStore;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.sources.FanOut;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What the REST snapshot modules share: raw JSON -> DataFrame with an inferred schema, free-form
 * objects as {@code map<string,string>} (modules.md 2 struct->map, new_cluster and tasks cleaners),
 * empty and NULL-typed fields culled, names scrubbed (pipeline.md 5.4), organization_id added.
 *
 * <p>Shapes are applied to the schema before parsing: a path named in {@code shapes} is parsed with
 * the given type (a map keeps the original keys, e.g. {@code spark.sql.shuffle.partitions}, which
 * scrubbing a struct would have mangled). Paths are dotted field names; arrays are transparent, so
 * {@code settings.tasks.new_cluster.custom_tags} reaches into every task.
 */
public final class SnapshotSupport {
  public static final MapType STRING_MAP = DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType);
  /** Shape that removes a field. */
  public static final DataType DROP = DataTypes.NullType;
  /** Free-form objects inside a cluster definition (new_cluster cleaner). */
  public static final List<String> CLUSTER_MAPS = List.of("custom_tags", "spark_conf", "spark_env_vars",
      "aws_attributes", "azure_attributes", "gcp_attributes");

  private SnapshotSupport() {}

  /** Target of a snapshot module: append, keys (id, Overwatch_RunID), incremental Pipeline_SnapTS, by organization. */
  public static TargetTable snapshotTarget(String table, String... ids) {
    List<String> keys = new ArrayList<>(Arrays.asList(ids));
    keys.add(TableStore.RUN_ID);
    return TargetTable.append(table, keys, List.of(TableStore.SNAP_TS), List.of(TargetTable.ORG));
  }

  /** Shapes turning the cluster maps under {@code prefix} (e.g. "settings.new_cluster") into maps. */
  public static Map<String, DataType> clusterMaps(String prefix) {
    Map<String, DataType> out = new LinkedHashMap<>();
    for (String m : CLUSTER_MAPS) {
      out.put(prefix.isEmpty() ? m : prefix + "." + m, STRING_MAP);
    }
    return out;
  }

  /**
   * Tasks / job_clusters cleaner (modules.md 2) as shapes: task parameters and every task's and job
   * cluster's new_cluster maps under {@code prefix} ("settings" for jobs, "" for runs).
   */
  public static Map<String, DataType> taskMaps(String prefix) {
    String p = prefix.isEmpty() ? "" : prefix + ".";
    Map<String, DataType> out = new LinkedHashMap<>();
    out.put(p + "tasks.notebook_task.base_parameters", STRING_MAP);
    out.put(p + "tasks.python_wheel_task.named_parameters", STRING_MAP);
    out.put(p + "tasks.sql_task.parameters", STRING_MAP);
    out.putAll(clusterMaps(p + "tasks.new_cluster"));
    out.putAll(clusterMaps(p + "job_clusters.new_cluster"));
    return out;
  }

  /** A minimum schema: "name:type" scalars (SchemaEnforcer.fields) followed by map<string,string> fields. */
  public static StructType minimum(List<String> scalars, String... maps) {
    StructType out = dev.overwatch.jobs.engine.SchemaEnforcer.fields(scalars.toArray(String[]::new));
    for (String m : maps) {
      out = out.add(m, STRING_MAP, true);
    }
    return out;
  }

  /** Columns of the fan-out error tables (clusters_snapshot_error_bronze, cluster_events_errors_bronze). */
  public static final StructType ERROR_SCHEMA = new StructType()
      .add("cluster_id", DataTypes.StringType, true)
      .add("from_epoch", DataTypes.LongType, true)
      .add("until_epoch", DataTypes.LongType, true)
      .add("from_ts", DataTypes.TimestampType, true)
      .add("until_ts", DataTypes.TimestampType, true)
      .add("status_code", DataTypes.IntegerType, true)
      .add("error", DataTypes.StringType, true)
      .add(TargetTable.ORG, DataTypes.StringType, true);

  /** Error table of a fan-out: keys (cluster_id, from_epoch, until_epoch, Overwatch_RunID), by organization. */
  public static TargetTable errorTarget(String table) {
    return TargetTable.append(table, List.of("cluster_id", "from_epoch", "until_epoch", TableStore.RUN_ID),
        List.of(TableStore.SNAP_TS), List.of(TargetTable.ORG));
  }

  /** One error row per failed call of a fan-out over cluster ids; the request covered [fromEpoch, untilEpoch]. */
  public static Dataset<Row> errorRows(ModuleContext ctx, List<FanOut.Outcome<?>> failed, long fromEpoch, long untilEpoch) {
    List<Row> rows = new ArrayList<>();
    for (FanOut.Outcome<?> o : failed) {
      rows.add(RowFactory.create(o.key(), fromEpoch, untilEpoch, new Timestamp(fromEpoch), new Timestamp(untilEpoch),
          o.error().statusCode(), o.error().detail(), ctx.organizationId()));
    }
    return ctx.spark().createDataFrame(rows, ERROR_SCHEMA);
  }

  /** Merges shape maps (later ones win). */
  @SafeVarargs
  public static Map<String, DataType> shapes(Map<String, DataType>... parts) {
    Map<String, DataType> out = new LinkedHashMap<>();
    for (Map<String, DataType> p : parts) {
      out.putAll(p);
    }
    return out;
  }

  /**
   * The rows of one REST result array as a DataFrame for this workspace.
   *
   * @throws NoNewDataException (with progression) when the API returned nothing
   */
  public static Dataset<Row> fromApi(ModuleContext ctx, List<String> json, String what, Map<String, DataType> shapes) {
    if (json.isEmpty()) {
      throw new NoNewDataException("the API returned no " + what, true);
    }
    return parse(ctx.spark(), json, shapes).withColumn(TargetTable.ORG, lit(ctx.organizationId()));
  }

  /**
   * As {@link #fromApi(ModuleContext, List, String, Map)}, enforced to the module's minimum schema. A document that
   * is not a JSON object, is over {@link #MAX_DOCUMENT_CHARS}, or has a top-level number or boolean field of the
   * minimum schema holding something else (e.g. {@code "num_workers": "two"}, which would fail the cast and the
   * module on every run) is quarantined with its reason; the others are loaded.
   */
  public static Dataset<Row> fromApi(ModuleContext ctx, List<String> json, String what, Map<String, DataType> shapes,
      StructType minimum) {
    if (json.isEmpty()) {
      throw new NoNewDataException("the API returned no " + what, true);
    }
    return SchemaEnforcer.enforce(fromApi(ctx, loadable(ctx, json, what, minimum), what, shapes), minimum);
  }

  /** The documents that can be loaded; the others are quarantined with their reason (see the 5-argument fromApi). */
  public static List<String> loadable(ModuleContext ctx, List<String> json, String what, StructType minimum) {
    List<String> good = new ArrayList<>();
    List<Row> bad = new ArrayList<>();
    for (int i = 0; i < json.size(); i++) {
      String doc = json.get(i);
      String problem = problem(doc, minimum);
      if (problem == null) {
        good.add(doc);
      } else {
        bad.add(RowFactory.create(ctx.organizationId(), "api: " + what, "document " + i, problem,
            doc.length() > Quarantine.MAX_RECORD_CHARS ? doc.substring(0, Quarantine.MAX_RECORD_CHARS) : doc));
      }
    }
    if (!bad.isEmpty()) {
      ctx.quarantine(ctx.spark().createDataFrame(bad, Quarantine.SCHEMA));
      if (good.isEmpty()) {
        throw new NoNewDataException("every one of the " + json.size() + " " + what + " was quarantined", true);
      }
    }
    return good;
  }

  /** Longest REST document loaded (a cluster or job definition is a few KiB; a run with many tasks well under 1 MiB). */
  public static final int MAX_DOCUMENT_CHARS = 16 * 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Why a document cannot be loaded, or null. */
  static String problem(String doc, StructType minimum) {
    if (doc.length() > MAX_DOCUMENT_CHARS) {
      return "document of " + doc.length() + " characters is over the limit of " + MAX_DOCUMENT_CHARS + " (kept truncated)";
    }
    JsonNode node;
    try {
      node = JSON.readTree(doc);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return "malformed JSON: " + e.getOriginalMessage();
    }
    if (node == null || !node.isObject()) {
      return "not a JSON object";
    }
    for (StructField f : minimum.fields()) {
      JsonNode v = node.get(f.name());
      if (v != null && !v.isNull() && !fits(v, f.dataType())) {
        String text = v.toString();
        return f.name() + " is not " + f.dataType().simpleString() + ": " + (text.length() > 200 ? text.substring(0, 200) : text);
      }
    }
    return null;
  }

  private static boolean fits(JsonNode v, DataType type) {
    String text = v.isValueNode() ? v.asText().strip() : null;
    if (type.equals(DataTypes.LongType) || type.equals(DataTypes.IntegerType)) {
      int digits = type.equals(DataTypes.LongType) ? 18 : 9;
      return v.isIntegralNumber() ? v.canConvertToLong() && (digits == 18 || v.canConvertToInt())
          : text != null && v.isTextual() && text.matches("-?[0-9]{1," + digits + "}");
    }
    if (type.equals(DataTypes.DoubleType)) {
      return v.isNumber() || (v.isTextual() && text.matches("-?[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?"));
    }
    if (type.equals(DataTypes.BooleanType)) {
      return v.isBoolean() || (v.isTextual() && text.matches("(?i)true|false"));
    }
    return true;
  }

  /** JSON documents -> rows: infer, shape, parse, drop nulls from top-level maps, scrub names. */
  public static Dataset<Row> parse(SparkSession spark, List<String> json, Map<String, DataType> shapes) {
    Dataset<String> docs = spark.createDataset(json, Encoders.STRING());
    StructType inferred = spark.read().json(docs).schema();
    StructType shaped = (StructType) shape(inferred, "", shapes);
    Dataset<Row> parsed = docs.toDF("json").select(from_json(col("json"), shaped).as("r")).select("r.*");
    List<Column> cols = new ArrayList<>();
    for (StructField f : parsed.schema().fields()) {
      Column c = col("`" + f.name() + "`");
      if (f.dataType() instanceof MapType) {
        c = expr("map_filter(`" + f.name() + "`, (k, v) -> v IS NOT NULL)");
      }
      cols.add(c.as(f.name()));
    }
    return scrub(parsed.select(cols.toArray(Column[]::new)));
  }

  private static DataType shape(DataType type, String path, Map<String, DataType> shapes) {
    if (type instanceof StructType struct) {
      List<StructField> out = new ArrayList<>();
      for (StructField f : struct.fields()) {
        String p = path.isEmpty() ? f.name() : path + "." + f.name();
        DataType t = shapes.containsKey(p) ? shapes.get(p) : shape(f.dataType(), p, shapes);
        if (!isEmpty(t)) {
          out.add(DataTypes.createStructField(f.name(), t, true));
        }
      }
      return new StructType(out.toArray(StructField[]::new));
    }
    if (type instanceof ArrayType array) {
      return DataTypes.createArrayType(shape(array.elementType(), path, shapes), true);
    }
    return type;
  }

  /** NULL-typed fields and empty objects ({}) carry nothing and cannot be written to Parquet (cullNullTypes). */
  private static boolean isEmpty(DataType t) {
    return t.equals(DataTypes.NullType)
        || (t instanceof StructType s && s.fields().length == 0)
        || (t instanceof ArrayType a && isEmpty(a.elementType()));
  }

  /** Renames fields per pipeline.md 5.4 (structs and arrays, not maps) by casting to the renamed type. */
  public static Dataset<Row> scrub(Dataset<Row> df) {
    StructType renamed = (StructType) scrubType(df.schema());
    List<Column> cols = new ArrayList<>();
    StructField[] have = df.schema().fields();
    for (int i = 0; i < have.length; i++) {
      StructField to = renamed.fields()[i];
      Column c = col("`" + have[i].name() + "`");
      cols.add((to.dataType().equals(have[i].dataType()) ? c : c.cast(to.dataType())).as(to.name()));
    }
    return df.select(cols.toArray(Column[]::new));
  }

  private static DataType scrubType(DataType type) {
    if (type instanceof StructType struct) {
      Map<String, Integer> counts = new HashMap<>();
      String[] names = new String[struct.fields().length];
      for (int i = 0; i < names.length; i++) {
        names[i] = scrubName(struct.fields()[i].name());
        counts.merge(names[i], 1, Integer::sum);
      }
      Map<String, Integer> seen = new HashMap<>();
      List<StructField> out = new ArrayList<>();
      for (int i = 0; i < names.length; i++) {
        StructField f = struct.fields()[i];
        String name = names[i];
        if (counts.get(name) > 1) {
          int n = seen.merge(name, 1, Integer::sum);
          name = name + "_UNIQUESUFFIX_" + Integer.toHexString(f.name().hashCode()) + "_" + n;
        }
        out.add(DataTypes.createStructField(name, scrubType(f.dataType()), f.nullable()));
      }
      return new StructType(out.toArray(StructField[]::new));
    }
    if (type instanceof ArrayType array) {
      return DataTypes.createArrayType(scrubType(array.elementType()), array.containsNull());
    }
    return type;
  }

  /** Whitespace removed, every other character outside [a-zA-Z0-9] becomes '_'. */
  public static String scrubName(String name) {
    return name.replaceAll("\\s", "").replaceAll("[^a-zA-Z0-9_]", "_");
  }

  /** Struct -> map<string,string> of its non-null fields (scalars as text, nested values as JSON); null stays null. */
  public static Column structToMap(Dataset<Row> df, String column) {
    if (!Arrays.asList(df.columns()).contains(column)) {
      return lit(null).cast(STRING_MAP);
    }
    DataType type = df.schema().apply(column).dataType();
    if (type instanceof MapType) {
      return col(column);
    }
    if (!(type instanceof StructType struct) || struct.fields().length == 0) {
      return lit(null).cast(STRING_MAP);
    }
    StringBuilder sb = new StringBuilder("map_filter(map(");
    for (int i = 0; i < struct.fields().length; i++) {
      StructField f = struct.fields()[i];
      String ref = "`" + column + "`.`" + f.name().replace("`", "``") + "`";
      String value = f.dataType() instanceof StructType || f.dataType() instanceof ArrayType || f.dataType() instanceof MapType
          ? "to_json(" + ref + ")" : "CAST(" + ref + " AS STRING)";
      sb.append(i == 0 ? "" : ", ").append('\'').append(f.name().replace("'", "\\'")).append("', ").append(value);
    }
    sb.append("), (k, v) -> v IS NOT NULL)");
    return org.apache.spark.sql.functions.when(col(column).isNull(), lit(null).cast(STRING_MAP)).otherwise(expr(sb.toString()));
  }
}
