package dev.overwatch.jobs.prices;

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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * warehouseDbuDetails (costs.md 2.3): DBUs per hour of one cluster of each SQL warehouse size, with the
 * driver node type behind it, per workspace, Type-2 on (cluster_size, activeFrom). Seeded from the bundled
 * file {@code /prices/warehouse_dbus.csv} (our approximation of Databricks' published sizes, docs/dbsql.md)
 * for the workspace's cloud from the primordial date; bundled figures never touch sizes already in the table.
 * The deployment's dated rates ({@code spec.prices.warehouseDbuDetailsCsv}, {@link WarehouseDbuCsv}) add and
 * close rows by the Type-2 rules; users may also edit the rows with SQL.
 */
public final class WarehouseDbuDetails {
  public static final TargetTable TABLE = PriceTables.type2("warehouseDbuDetails", "cluster_size");

  public static final StructType SCHEMA = PriceTables.schema("organization_id STRING, workspace_name STRING,"
      + " cloud STRING, cluster_size STRING, driver_size STRING, worker_count INT, total_dbus INT, activeFrom DATE,"
      + " activeUntil DATE, activeFromEpochMillis BIGINT, activeUntilEpochMillis BIGINT, isActive BOOLEAN");

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

  /** Columns a closing row sets besides isActive (decision 403: closed rows carry their end in epoch ms). */
  static final List<String> CLOSE_COLUMNS = List.of("activeUntil", "activeUntilEpochMillis");

  /** Sizes by normalised name. */
  static Map<String, Size> byKey(List<Size> sizes) {
    Map<String, Size> out = new LinkedHashMap<>();
    sizes.forEach(s -> out.put(normalise(s.clusterSize()), s));
    return out;
  }

  /** The stored rows of a workspace as versions, per normalised size. */
  static Map<String, List<WarehouseDbuCsv.Version>> stored(TableStore store, String organizationId) {
    Map<String, List<WarehouseDbuCsv.Version>> out = new HashMap<>();
    for (Row r : store.readAll(TABLE, organizationId)
        .select("cluster_size", "driver_size", "worker_count", "total_dbus", "activeFrom", "activeUntil").collectAsList()) {
      WarehouseDbuCsv.Rate rate = new WarehouseDbuCsv.Rate(r.getString(0), r.getString(1),
          r.isNullAt(2) ? null : r.getInt(2), r.isNullAt(3) ? 0 : r.getInt(3));
      out.computeIfAbsent(normalise(r.getString(0)), k -> new ArrayList<>()).add(new WarehouseDbuCsv.Version(rate,
          r.isNullAt(4) ? null : r.getDate(4).toLocalDate(), r.isNullAt(5) ? null : r.getDate(5).toLocalDate(), true,
          false));
    }
    return out;
  }

  /**
   * The rows of a plan to write, each ending with the close flag: inserts (validity in epoch ms from midnight in the
   * deployment's zone; activeUntilEpochMillis null for open rows, readers close them at their own snapshot,
   * decision 403), then the stored rows to close.
   */
  static List<Row> rows(WarehouseDbuCsv.Plan plan, WorkspaceConfig workspace, List<Size> bundled, Instant snapshot,
      String runId, ZoneId zone) {
    String cloud = bundled.isEmpty() ? workspace.cloud() : bundled.get(0).cloud();
    List<Row> out = new ArrayList<>();
    for (WarehouseDbuCsv.Version v : plan.inserts()) {
      out.add(row(v, workspace, cloud, snapshot, runId, zone, false));
    }
    for (WarehouseDbuCsv.Version v : plan.closes()) {
      out.add(row(v, workspace, cloud, snapshot, runId, zone, true));
    }
    return out;
  }

  private static Row row(WarehouseDbuCsv.Version v, WorkspaceConfig workspace, String cloud, Instant snapshot,
      String runId, ZoneId zone, boolean close) {
    WarehouseDbuCsv.Rate r = v.rate();
    return RowFactory.create(workspace.organizationId(), workspace.name(), cloud, r.clusterSize(), r.driverSize(),
        r.workerCount(), r.totalDbus(), Date.valueOf(v.activeFrom()),
        v.activeUntil() == null ? null : Date.valueOf(v.activeUntil()), millis(v.activeFrom(), zone),
        v.activeUntil() == null ? null : millis(v.activeUntil(), zone), !close && v.activeUntil() == null,
        Timestamp.from(snapshot), runId, close);
  }

  private static long millis(LocalDate day, ZoneId zone) {
    return day.atStartOfDay(zone).toInstant().toEpochMilli();
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
