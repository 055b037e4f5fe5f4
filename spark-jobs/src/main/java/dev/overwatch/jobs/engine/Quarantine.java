package dev.overwatch.jobs.engine;

import static dev.overwatch.jobs.engine.TableStore.field;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.substring;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Input that could not be parsed: one row per bad record or unreadable file, with where it came
 * from and why, so nothing is lost silently. Written and rolled back with the module's output.
 */
public final class Quarantine {
  public static final TargetTable TABLE = TargetTable.append("pipeline_quarantine",
      List.of("moduleID", "source", "position", TableStore.RUN_ID), List.of(TableStore.SNAP_TS), List.of(TargetTable.ORG));

  /** Columns a module supplies; the engine adds moduleID/moduleName and the meta columns. */
  public static final StructType SCHEMA = new StructType(new StructField[] {
      field("organization_id", DataTypes.StringType),
      field("source", DataTypes.StringType),
      field("position", DataTypes.StringType),
      field("reason", DataTypes.StringType),
      field("record", DataTypes.StringType)});

  /** Longest raw record kept, so one huge bad line cannot bloat the table. */
  public static final int MAX_RECORD_CHARS = 4096;

  private Quarantine() {}

  /**
   * Writes records of {@link #SCHEMA} for one module (the engine's only way into the table): each record truncated
   * to {@link #MAX_RECORD_CHARS}, tagged with the module. Returns the rows written.
   */
  static long write(TableStore store, List<Dataset<Row>> records, int moduleId, String moduleName,
      TableStore.WriteRequest request) {
    if (records.isEmpty()) {
      return 0;
    }
    Dataset<Row> bad = records.stream().reduce(Dataset::unionByName).orElseThrow()
        .withColumn("record", substring(col("record"), 1, MAX_RECORD_CHARS))
        .withColumn("moduleID", lit(moduleId))
        .withColumn("moduleName", lit(moduleName));
    return store.write(TABLE, bad, request).rows();
  }
}
