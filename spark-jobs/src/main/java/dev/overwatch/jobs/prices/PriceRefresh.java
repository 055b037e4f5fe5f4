package dev.overwatch.jobs.prices;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.overwatch.api.v1alpha1.OverwatchDeploymentSpec;
import dev.overwatch.api.v1alpha1.PricesSpec;
import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.config.StoragePaths;
import dev.overwatch.jobs.engine.TableStore;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WindowPlanner;
import dev.overwatch.jobs.engine.WorkspaceConfig;
import io.delta.tables.DeltaTable;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeds and re-prices both price tables for one workspace (costs.md 2.1, 2.2), run by the engine at
 * the start of the gold layer. History is never rewritten: a changed price closes the open row
 * (activeUntil = snapshot date, isActive false) and opens a new one from that date, in one Delta
 * commit per table. A rerun with the same prices writes nothing.
 *
 * <ul>
 *   <li>First run of a workspace: the cloud's bundled node prices, overridden and extended by
 *       {@code spec.prices.instanceDetailsCsv}, and the four skus of {@code spec.prices}, all from
 *       the primordial date.</li>
 *   <li>Later runs: every sku whose configured price differs from its open row is re-priced
 *       (unconditionally; faithful-port note of 2.2). Override rows re-price their node type the same
 *       way. Node types new to the table (a newer bundled file, new override rows) are added from the
 *       primordial date. Bundled rows never touch existing node types: users own the table.</li>
 * </ul>
 */
public final class PriceRefresh {
  private static final Logger LOG = LoggerFactory.getLogger(PriceRefresh.class);
  private static final String CLOSE = "_close";

  private final TableStore store;
  private final WorkspaceConfig workspace;
  private final OverwatchDeploymentSpec spec;
  private final Instant snapshot;
  private final String runId;
  private final ZoneId zone;

  public PriceRefresh(TableStore store, WorkspaceConfig workspace, OverwatchDeploymentSpec spec, Instant snapshot,
      String runId) {
    this.store = store;
    this.workspace = workspace;
    this.spec = spec;
    this.snapshot = snapshot;
    this.runId = runId;
    this.zone = ZoneId.of(spec.timeZone);
  }

  /** What one refresh did for one workspace. */
  public record Outcome(long rowsOpened, long rowsClosed, List<PriceCsv.Rejected> rejected) {}

  /** Scopes whose gold modules price something; a workspace with none of them (e.g. sparkEvents only) needs no prices. */
  public static final Set<Scope> PRICED_SCOPES = Set.of(Scope.POOLS, Scope.CLUSTERS, Scope.CLUSTER_EVENTS, Scope.JOBS,
      Scope.DBSQL, Scope.WAREHOUSE_EVENTS, Scope.NOTEBOOK_COMMANDS);

  public static boolean needed(Set<Scope> workspaceScopes) {
    return workspaceScopes.stream().anyMatch(PRICED_SCOPES::contains);
  }

  /** Creates and registers both tables if missing; call once per layer before workspaces run in parallel. */
  public static void ensureTables(TableStore store) {
    store.createIfMissing(PriceTables.INSTANCE_DETAILS, PriceTables.INSTANCE_DETAILS_SCHEMA);
    store.createIfMissing(PriceTables.DBU_COST_DETAILS, PriceTables.DBU_COST_DETAILS_SCHEMA);
    store.createIfMissing(WarehouseDbuDetails.TABLE, WarehouseDbuDetails.SCHEMA);
  }

  public Outcome run() {
    ensureTables(store);
    LocalDate snapshotDate = snapshot.atZone(zone).toLocalDate();
    LocalDate primordial = primordialDate();

    PriceCsv.Parsed bundled = PriceCsv.bundled(workspace.cloud());
    Map<String, InstancePrice> desiredNodes = new LinkedHashMap<>(bundled.byKey());
    List<PriceCsv.Rejected> rejected = List.of();
    Set<String> overridden = Set.of();
    String overrideFile = spec.prices == null ? null : spec.prices.instanceDetailsCsv;
    if (overrideFile != null) {
      PriceCsv.Parsed override = PriceCsv.parse(read(overrideFile, "spec.prices.instanceDetailsCsv"), overrideFile,
          bundled.byKey());
      desiredNodes.putAll(override.byKey());
      overridden = override.byKey().keySet();
      rejected = override.rejected();
    }
    List<Change<InstancePrice>> nodeChanges = plan(existingNodes(), desiredNodes, overridden,
        InstancePrice::pricesDifferFrom, primordial, snapshotDate);
    List<Change<Double>> skuChanges = plan(existingSkus(), configuredSkus(spec.prices),
        new HashSet<>(PriceTables.SKUS), (a, b) -> !a.equals(b), primordial, snapshotDate);

    write(PriceTables.INSTANCE_DETAILS, PriceTables.INSTANCE_DETAILS_SCHEMA, "API_Name",
        nodeChanges.stream().map(this::instanceRow).toList(), List.of("activeUntil"));
    write(PriceTables.DBU_COST_DETAILS, PriceTables.DBU_COST_DETAILS_SCHEMA, "sku",
        skuChanges.stream().map(this::skuRow).toList(), List.of("activeUntil"));
    long closed = nodeChanges.stream().filter(Change::close).count() + skuChanges.stream().filter(Change::close).count();
    // warehouseDbuDetails: bundled sizes new to the workspace, then the deployment's dated rates (docs/dbsql.md).
    List<WarehouseDbuDetails.Size> sizes = WarehouseDbuDetails.bundled(workspace.cloud());
    String rateFile = spec.prices == null ? null : spec.prices.warehouseDbuDetailsCsv;
    WarehouseDbuCsv.Parsed rates = rateFile == null ? new WarehouseDbuCsv.Parsed(List.of(), List.of())
        : WarehouseDbuCsv.parse(read(rateFile, "spec.prices.warehouseDbuDetailsCsv"), rateFile, WarehouseDbuDetails.byKey(sizes));
    WarehouseDbuCsv.Plan sizePlan = WarehouseDbuCsv.plan(WarehouseDbuDetails.stored(store, workspace.organizationId()),
        rates.rows(), sizes, primordial, rateFile);
    write(WarehouseDbuDetails.TABLE, WarehouseDbuDetails.SCHEMA, "cluster_size",
        WarehouseDbuDetails.rows(sizePlan, workspace, sizes, snapshot, runId, zone), WarehouseDbuDetails.CLOSE_COLUMNS);
    List<PriceCsv.Rejected> allRejected = new ArrayList<>(rejected);
    allRejected.addAll(rates.rejected());
    allRejected.addAll(sizePlan.rejected());
    long opened = nodeChanges.size() + skuChanges.size() - closed + sizePlan.inserts().size();
    return new Outcome(opened, closed + sizePlan.closes().size(), allRejected);
  }

  /** The primordial date of the workspace: spec.primordialDate, or snapshot date - maxDaysToLoad. */
  LocalDate primordialDate() {
    WindowPlanner planner = new WindowPlanner(snapshot.toEpochMilli(), spec.maxDaysToLoad,
        Optional.ofNullable(spec.primordialDate).map(LocalDate::parse), zone);
    return Instant.ofEpochMilli(planner.primordialTime(Optional.empty())).atZone(zone).toLocalDate();
  }

  /** The contract price per sku from the deployment (defaults of costs.md 2.2 for unset fields). */
  static Map<String, Double> configuredSkus(PricesSpec prices) {
    PricesSpec p = prices == null ? new PricesSpec() : prices;
    PricesSpec d = new PricesSpec();
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("interactive", p.interactive == null ? d.interactive : p.interactive);
    out.put("automated", p.automated == null ? d.automated : p.automated);
    out.put("sqlCompute", p.sqlCompute == null ? d.sqlCompute : p.sqlCompute);
    out.put("jobsLight", p.jobsLight == null ? d.jobsLight : p.jobsLight);
    return out;
  }

  /** One stored row of a key: its period and value. */
  record Version<V>(String storedKey, LocalDate activeFrom, LocalDate activeUntil, boolean isActive, V value) {
    boolean open() {
      return isActive && activeUntil == null;
    }
  }

  /** A row to close (matched on key and activeFrom) or to insert. */
  record Change<V>(String key, String storedKey, V value, LocalDate activeFrom, LocalDate activeUntil, boolean close) {
    /** The key as written: the stored spelling for rows of a known key, else the plan's key. */
    String writtenKey() {
      return storedKey == null ? key : storedKey;
    }
  }

  /**
   * The Type-2 changes that bring the stored history to the desired values (pure).
   *
   * @param existing stored versions per normalised key
   * @param desired wanted value per normalised key
   * @param repriceable keys whose open row is re-priced when its value differs
   */
  static <V> List<Change<V>> plan(Map<String, List<Version<V>>> existing, Map<String, V> desired,
      Set<String> repriceable, BiPredicate<V, V> differs, LocalDate primordial, LocalDate snapshotDate) {
    List<Change<V>> out = new ArrayList<>();
    for (Map.Entry<String, V> e : desired.entrySet()) {
      List<Version<V>> versions = existing.getOrDefault(e.getKey(), List.of());
      if (versions.isEmpty()) {
        out.add(new Change<>(e.getKey(), null, e.getValue(), primordial, null, false));
        continue;
      }
      if (!repriceable.contains(e.getKey())) {
        continue;
      }
      Optional<Version<V>> open = versions.stream().filter(Version::open).findFirst();
      if (open.isEmpty() || !differs.test(open.get().value(), e.getValue())) {
        continue;
      }
      Version<V> current = open.get();
      if (snapshotDate.isBefore(current.activeFrom())) {
        LOG.warn("Not re-pricing {}: its open row starts {} after the snapshot date {}", current.storedKey(),
            current.activeFrom(), snapshotDate);
        continue;
      }
      out.add(new Change<>(e.getKey(), current.storedKey(), current.value(), current.activeFrom(), snapshotDate, true));
      out.add(new Change<>(e.getKey(), current.storedKey(), e.getValue(), snapshotDate, null, false));
    }
    return out;
  }

  private Map<String, List<Version<InstancePrice>>> existingNodes() {
    Map<String, List<Version<InstancePrice>>> out = new HashMap<>();
    for (Row r : store.readAll(PriceTables.INSTANCE_DETAILS, workspace.organizationId())
        .select("API_Name", "activeFrom", "activeUntil", "isActive", "instance", "vCPUs", "Memory_GB", "GPUs",
            "Compute_Contract_Price", "On_Demand_Cost_Hourly", "Hourly_DBUs").collectAsList()) {
      InstancePrice value = new InstancePrice(r.getString(0), r.getString(4), integer(r, 5), dbl(r, 6), integer(r, 7),
          dbl(r, 8), dbl(r, 9), dbl(r, 10));
      out.computeIfAbsent(value.key(), k -> new ArrayList<>()).add(version(r, r.getString(0), value));
    }
    return out;
  }

  private Map<String, List<Version<Double>>> existingSkus() {
    Map<String, List<Version<Double>>> out = new HashMap<>();
    for (Row r : store.readAll(PriceTables.DBU_COST_DETAILS, workspace.organizationId())
        .select("sku", "activeFrom", "activeUntil", "isActive", "contract_price").collectAsList()) {
      // Keys of the plan are the configured sku spellings; stored ones are matched case-insensitively.
      String key = PriceTables.SKUS.stream().filter(s -> s.equalsIgnoreCase(r.getString(0).trim())).findFirst()
          .orElse(r.getString(0));
      out.computeIfAbsent(key, k -> new ArrayList<>()).add(version(r, r.getString(0), dbl(r, 4)));
    }
    return out;
  }

  private static <V> Version<V> version(Row r, String storedKey, V value) {
    return new Version<>(storedKey, r.isNullAt(1) ? null : r.getDate(1).toLocalDate(),
        r.isNullAt(2) ? null : r.getDate(2).toLocalDate(), !r.isNullAt(3) && r.getBoolean(3), value);
  }

  private Row instanceRow(Change<InstancePrice> c) {
    InstancePrice p = c.value();
    return RowFactory.create(workspace.organizationId(), workspace.name(), c.storedKey() == null ? p.apiName() : c.storedKey(),
        p.instance(), p.vCPUs(), p.memoryGb(), p.gpus(), p.computeContractPrice(), p.onDemandCostHourly(),
        p.hourlyDbus(), !c.close(), Date.valueOf(c.activeFrom()), c.activeUntil() == null ? null : Date.valueOf(c.activeUntil()),
        Timestamp.from(snapshot), runId, c.close());
  }

  private Row skuRow(Change<Double> c) {
    return RowFactory.create(workspace.organizationId(), workspace.name(), c.writtenKey(), c.value(), !c.close(),
        Date.valueOf(c.activeFrom()), c.activeUntil() == null ? null : Date.valueOf(c.activeUntil()),
        Timestamp.from(snapshot), runId, c.close());
  }

  /**
   * One MERGE: closes matched open rows (keeping their metadata; {@code closeColumns} taken from the closing row,
   * isActive false) and inserts the new ones. Rows end with the close flag.
   */
  private void write(TargetTable table, StructType schema, String keyColumn, List<Row> rows, List<String> closeColumns) {
    if (rows.isEmpty()) {
      return;
    }
    StructType withFlag = schema.add(CLOSE, DataTypes.BooleanType, false);
    Dataset<Row> source = store.spark().createDataFrame(rows, withFlag);
    if (rows.stream().noneMatch(r -> r.getBoolean(r.size() - 1))) {
      // Only new rows (seeding, new node types): a blind append is cheaper than a MERGE and never conflicts.
      source.drop(CLOSE).write().format("delta").mode("append").save(store.path(table));
      LOG.info("{}: {} price row(s) added for workspace {}", table.name(), rows.size(), workspace.name());
      return;
    }
    Column condition = col("t." + TargetTable.ORG).equalTo(lit(workspace.organizationId()))
        .and(col("s." + CLOSE))
        .and(col("t." + keyColumn).equalTo(col("s." + keyColumn)))
        .and(col("t.activeFrom").equalTo(col("s.activeFrom")))
        .and(col("t.activeUntil").isNull());
    Map<String, Column> insert = new LinkedHashMap<>();
    for (String f : schema.fieldNames()) {
      insert.put(f, col("s." + f));
    }
    DeltaTable.forPath(store.spark(), store.path(table)).as("t").merge(source.as("s"), condition)
        .whenMatched().update(closeUpdate(closeColumns))
        .whenNotMatched(col("s." + CLOSE).equalTo(lit(false))).insert(insert)
        .execute();
    LOG.info("{}: {} price row change(s) for workspace {}", table.name(), rows.size(), workspace.name());
  }

  private static Map<String, Column> closeUpdate(List<String> closeColumns) {
    Map<String, Column> update = new LinkedHashMap<>();
    closeColumns.forEach(c -> update.put(c, col("s." + c)));
    update.put("isActive", lit(false));
    return update;
  }

  private String read(String location, String field) {
    Path path = new Path(StoragePaths.qualify(location));
    try {
      FileSystem fs = path.getFileSystem(store.spark().sparkContext().hadoopConfiguration());
      try (InputStream in = fs.open(path)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(field + ": cannot read " + location + ": " + e.getMessage(), e);
    }
  }

  private static Integer integer(Row r, int i) {
    return r.isNullAt(i) ? null : r.getInt(i);
  }

  private static Double dbl(Row r, int i) {
    return r.isNullAt(i) ? null : r.getDouble(i);
  }
}
