package dev.overwatch.jobs.engine;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Minimum-schema enforcement (pipeline.md 5.5): missing fields become typed nulls, scalar type
 * mismatches are cast, structs are handled recursively, fields typed NULL in the minimum schema
 * are dropped, everything else passes through. Names match case-insensitively.
 */
public final class SchemaEnforcer {
  private SchemaEnforcer() {}

  public static Dataset<Row> enforce(Dataset<Row> df, StructType minimum) {
    List<Column> out = new ArrayList<>();
    StructType actual = df.schema();
    for (StructField have : actual.fields()) {
      Optional<StructField> want = find(minimum, have.name());
      if (want.isPresent() && want.get().dataType().equals(DataTypes.NullType)) {
        continue;
      }
      Column c = col("`" + have.name() + "`");
      out.add(want.map(w -> conform(c, have.dataType(), w)).orElse(c).as(have.name()));
    }
    for (StructField want : minimum.fields()) {
      if (find(actual, want.name()).isEmpty() && !want.dataType().equals(DataTypes.NullType)) {
        if (!want.nullable()) {
          throw new IllegalStateException("required non-null field '" + want.name() + "' is missing from the input");
        }
        out.add(lit(null).cast(want.dataType()).as(want.name()));
      }
    }
    return df.select(out.toArray(Column[]::new));
  }

  private static Column conform(Column c, DataType have, StructField want) {
    DataType wantType = want.dataType();
    if (have.equals(wantType)) {
      return c;
    }
    if (wantType instanceof StructType wantStruct) {
      if (!(have instanceof StructType haveStruct)) {
        // A non-struct where a struct is required (e.g. a JSON string): keep the typed shape, lose nothing silently.
        return lit(null).cast(wantStruct);
      }
      Column result = c;
      for (StructField wf : wantStruct.fields()) {
        Optional<StructField> hf = find(haveStruct, wf.name());
        if (wf.dataType().equals(DataTypes.NullType)) {
          if (hf.isPresent()) {
            result = dropFields(result, List.of(hf.get().name()));
          }
        } else if (hf.isEmpty()) {
          result = result.withField(wf.name(), lit(null).cast(wf.dataType()));
        } else if (!hf.get().dataType().equals(wf.dataType())) {
          result = result.withField(hf.get().name(), conform(c.getField(hf.get().name()), hf.get().dataType(), wf));
        }
      }
      return result;
    }
    if (isComplex(wantType) || isComplex(have)) {
      throw new IllegalStateException("field '" + want.name() + "' has type " + have.simpleString()
          + " but the minimum schema requires " + wantType.simpleString());
    }
    return c.cast(wantType);
  }

  /** Column.dropFields is Scala varargs; this is its Java-friendly form. */
  public static Column dropFields(Column struct, List<String> names) {
    return struct.dropFields(scala.jdk.javaapi.CollectionConverters.asScala(names).toSeq());
  }

  private static boolean isComplex(DataType t) {
    return t instanceof StructType || t instanceof org.apache.spark.sql.types.ArrayType
        || t instanceof org.apache.spark.sql.types.MapType;
  }

  private static Optional<StructField> find(StructType schema, String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return Arrays.stream(schema.fields()).filter(f -> f.name().toLowerCase(Locale.ROOT).equals(lower)).findFirst();
  }

  /** Builds a struct type from "name:type" pairs (type: string, long, int, boolean, date, double, null). */
  public static StructType fields(String... specs) {
    List<StructField> fields = new ArrayList<>();
    for (String s : specs) {
      String[] p = s.split(":");
      fields.add(DataTypes.createStructField(p[0], type(p.length > 1 ? p[1] : "string"), true));
    }
    return new StructType(fields.toArray(StructField[]::new));
  }

  private static DataType type(String name) {
    return switch (name) {
      case "string" -> DataTypes.StringType;
      case "long" -> DataTypes.LongType;
      case "int" -> DataTypes.IntegerType;
      case "boolean" -> DataTypes.BooleanType;
      case "date" -> DataTypes.DateType;
      case "double" -> DataTypes.DoubleType;
      case "timestamp" -> DataTypes.TimestampType;
      case "null" -> DataTypes.NullType;
      default -> throw new IllegalArgumentException("unknown type " + name);
    };
  }
}
