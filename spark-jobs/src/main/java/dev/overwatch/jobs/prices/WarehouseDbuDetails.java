package dev.overwatch.jobs.prices;

import static dev.overwatch.jobs.engine.TableStore.field;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.unix_millis;

import dev.overwatch.jobs.engine.ConsumerView;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.TableStore;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WorkspaceConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * warehouseDbuDetails (costs.md 2.3): DBUs per hour of one cluster of each SQL warehouse size, with the
 * driver node type behind it, per workspace, Type-2 on (cluster_size, activeFrom). Seeded from the bundled
 * file {@code /prices/warehouse_dbus.csv} (our approximation of Databricks' published sizes, docs/dbsql.md)
 * for the workspace's cloud from the primordial date; sizes already in the table are never touched (users own
 * the rows and re-price them with the Type-2 editing rules).
 */
public final class WarehouseDbuDetails {
  public static final TargetTable TABLE = TargetTable.append("warehouseDbuDetails",
      List.of("cluster_size", "activeFrom"), List.of(TableStore.SNAP_TS), List.of(TargetTable.ORG));

  public static final StructType SCHEMA = new StructType(new StructField[] {
      field("organization_id", DataTypes.StringType),
      field("workspace_name", DataTypes.StringType),
      field("cloud", DataTypes.StringType),
      field("cluster_size", DataTypes.StringType),
      field("driver_size", DataTypes.StringType),
      field("worker_count", DataTypes.IntegerType),
      field("total_dbus", DataTypes.IntegerType),
      field("activeFrom", DataTypes.DateType),
      field("activeUntil", DataTypes.DateType),
      field("activeFromEpochMillis", DataTypes.LongType),
      field("activeUntilEpochMillis", DataTypes.LongType),
      field("isActive", DataTypes.BooleanType),
      field(TableStore.SNAP_TS, DataTypes.TimestampType),
      field(TableStore.RUN_ID, DataTypes.StringType)});

  /** One row of the bundled file. */
  public record Size(String cloud, String clusterSize, String driverSize, int workerCount, int totalDbus) {}

  private WarehouseDbuDetails() {}

  /** The bundled sizes of a cloud (AWS, Azure, GCP; case-insensitive). */
  public static List<Size> bundled(String cloud) {
    try (InputStream in = WarehouseDbuDetails.class.getResourceAsStream("/prices/warehouse_dbus.csv")) {
      List<Size> out = new ArrayList<>();
      List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().skip(1)
          .filter(l -> !l.isBlank()).toList();
      for (String line : lines) {
        String[] v = line.split(",");
        if (v[0].trim().equalsIgnoreCase(cloud)) {
          out.add(new Size(v[0].trim(), v[1].trim(), v[2].trim(), Integer.parseInt(v[3].trim()),
              Integer.parseInt(v[4].trim())));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Adds the bundled sizes the workspace does not have yet, valid from {@code primordial}; returns how many.
   * activeUntilEpochMillis stays null for open rows: readers close it at their own snapshot (decision 403).
   */
  public static long seed(TableStore store, WorkspaceConfig workspace, LocalDate primordial, Instant snapshot,
      String runId, ZoneId zone) {
    store.createIfMissing(TABLE, SCHEMA);
    Set<String> present = new HashSet<>();
    store.readAll(TABLE, workspace.organizationId()).select("cluster_size").collectAsList()
        .forEach(r -> present.add(normalise(r.getString(0))));
    long fromMs = primordial.atStartOfDay(zone).toInstant().toEpochMilli();
    List<Row> rows = bundled(workspace.cloud()).stream().filter(s -> !present.contains(normalise(s.clusterSize())))
        .map(s -> RowFactory.create(workspace.organizationId(), workspace.name(), s.cloud(), s.clusterSize(),
            s.driverSize(), s.workerCount(), s.totalDbus(), Date.valueOf(primordial), null, fromMs, null, true,
            Timestamp.from(snapshot), runId))
        .collect(Collectors.toList());
    if (!rows.isEmpty()) {
      store.spark().createDataFrame(rows, SCHEMA).write().format("delta").mode("append").save(store.path(TABLE));
    }
    return rows.size();
  }

  static String normalise(String size) {
    return size == null ? "" : size.trim().toLowerCase(Locale.ROOT).replace(" ", "");
  }

  /**
   * The rows of the context's workspace with their validity in epoch ms: from activeFrom's midnight to
   * activeUntil's, an open row to the run's snapshot (costs.md 2.3 fix), and a normalised join key.
   */
  public static Dataset<Row> rates(ModuleContext ctx) {
    return ctx.readAll(TABLE)
        .withColumn("__from_ms", unix_millis(col("activeFrom").cast("timestamp")))
        .withColumn("__until_ms", coalesce(unix_millis(col("activeUntil").cast("timestamp")),
            lit(ctx.snapshot().toEpochMilli())))
        .withColumn("__size_key", org.apache.spark.sql.functions.regexp_replace(
            org.apache.spark.sql.functions.lower(org.apache.spark.sql.functions.trim(col("cluster_size"))), " ", ""));
  }

  /** Type-2 violations of the workspace's rows (costs.md 2.4 rules, key cluster_size). */
  public static List<Type2Validation.Violation> validate(ModuleContext ctx) {
    if (!ctx.tableExists(TABLE)) {
      return List.of(new Type2Validation.Violation(TABLE.name(), ctx.organizationId(), "*", null, null, 0,
          "table does not exist: the price step did not run"));
    }
    LocalDate snapshotDate = ctx.snapshot().atZone(ctx.zone()).toLocalDate();
    List<Type2Validation.Period> periods = ctx.readAll(TABLE)
        .select("cluster_size", "activeFrom", "activeUntil", "isActive").collectAsList().stream()
        .map(PriceTables::period).toList();
    return Type2Validation.check(TABLE.name(), ctx.organizationId(), new ArrayList<>(periods), snapshotDate);
  }

  /** The consumer view over the table (presentation.md 2 row 22): every column, when consumer differs from ETL. */
  public static ConsumerView view() {
    return ConsumerView.of("warehousedbudetails", TABLE, Arrays.stream(SCHEMA.fieldNames()).toArray(String[]::new));
  }
}
