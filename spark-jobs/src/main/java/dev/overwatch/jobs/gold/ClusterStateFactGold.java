package dev.overwatch.jobs.gold;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import dev.overwatch.jobs.bronze.ClustersSnapshotBronze;
import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.ConsumerView;
import dev.overwatch.jobs.engine.GoldModule;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WriteMode;
import dev.overwatch.jobs.prices.PriceTables;
import dev.overwatch.jobs.silver.ClusterSpecSilver;
import dev.overwatch.jobs.silver.ClusterStateDetailSilver;
import dev.overwatch.jobs.silver.TemporalLookups;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * 3005 Gold_ClusterStateFact -> clusterStateFact_gold (gold.md 3.2, costs.md 3), view clusterstatefact
 * (presentation.md 3.2): the cluster states of silver 2019 (window and 31 days before, so open states are
 * closed in place by the merge) with the definition in force (cluster_spec_silver, else the clusters
 * snapshot), the DBU contract price of its sku, the driver and worker node prices valid at the state
 * start (instanceDetails), and the DBU, core-hour and cost columns.
 */
public final class ClusterStateFactGold extends GoldModule {
  public static final TargetTable TARGET = TargetTable.merge("clusterStateFact_gold", WriteMode.MERGE,
      List.of("cluster_id", "state", "unixTimeMS_state_start"), List.of("state_start_date", "unixTimeMS_state_start"),
      List.of(TargetTable.ORG, "state_start_date", TargetTable.NOISE), 31);
  public static final ModuleSpec SPEC = ModuleSpec.of(3005, "Gold_ClusterStateFact", Layer.GOLD,
      Scope.CLUSTER_EVENTS, TARGET, 2019, 2014);
  /** Columns of gold.md 3.2 in order; the view adds workspace_name and moves the specs last (presentation.md 3.2). */
  public static final List<String> COLUMNS = List.of("organization_id", "cluster_id", "cluster_name", "custom_tags",
      "state_start_date", "unixTimeMS_state_start", "unixTimeMS_state_end", "timestamp_state_start",
      "timestamp_state_end", "state", "driver_node_type_id", "node_type_id", "current_num_workers",
      "target_num_workers", "uptime_since_restart_S", "uptime_in_state_S", "uptime_in_state_H", "cloud_billable",
      "databricks_billable", "isAutomated", "sku", "runtime_engine", "dbu_rate", "state_dates", "days_in_state",
      "worker_potential_core_H", "driver_dbus", "worker_dbus", "total_dbus", "core_hours", "driverSpecs",
      "workerSpecs", "driver_compute_cost", "worker_compute_cost", "driver_dbu_cost", "worker_dbu_cost",
      "total_compute_cost", "total_DBU_cost", "total_driver_cost", "total_worker_cost", "total_cost");
  static final ConsumerView VIEW = ConsumerView.of("clusterstatefact", TARGET, "organization_id", "workspace_name",
      "cluster_id", "cluster_name", "custom_tags", "state_start_date", "unixTimeMS_state_start",
      "unixTimeMS_state_end", "timestamp_state_start", "timestamp_state_end", "state", "driver_node_type_id",
      "node_type_id", "current_num_workers", "target_num_workers", "uptime_since_restart_S", "uptime_in_state_S",
      "uptime_in_state_H", "cloud_billable", "databricks_billable", "isAutomated", "sku", "runtime_engine",
      "dbu_rate", "state_dates", "days_in_state", "worker_potential_core_H", "core_hours", "driver_dbus",
      "worker_dbus", "total_dbus", "driver_compute_cost", "worker_compute_cost", "driver_dbu_cost",
      "worker_dbu_cost", "total_compute_cost", "total_DBU_cost", "total_driver_cost", "total_worker_cost",
      "total_cost", "driverSpecs", "workerSpecs");
  private static final List<String> PARTITION = List.of("organization_id", "cluster_id");
  private static final List<String> DEFINITION = List.of("cluster_name", "custom_tags", "driver_node_type_id",
      "node_type_id", "spark_version", "cluster_type", "runtime_engine", "sku");

  public ClusterStateFactGold() {
    super(SPEC, VIEW);
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    if (!ctx.tableExists(ClusterStateDetailSilver.TARGET)) {
      throw new NoNewDataException("cluster_state_detail_silver does not exist yet", true);
    }
    // A price table that is not a valid Type-2 history fails the module with the offending keys (costs.md 2.4).
    PriceTables.requireValid(ctx);
    Dataset<Row> instances = PriceTables.instanceDetails(ctx);
    Dataset<Row> dbuPrices = PriceTables.dbuCostDetails(ctx);
    Dataset<Row> states = ctx.readIncremental(ClusterStateDetailSilver.TARGET, 31);
    Dataset<Row> specs = ctx.tableExists(ClusterSpecSilver.TARGET) ? ctx.readAll(ClusterSpecSilver.TARGET) : null;
    Dataset<Row> snapshots = ctx.tableExists(ClustersSnapshotBronze.TARGET)
        ? ctx.readAll(ClustersSnapshotBronze.TARGET) : null;
    return facts(states, specs, snapshots, instances, dbuPrices);
  }

  /**
   * The fact rows: states of silver 2019 with definitions, prices and costs (gold.md 3.2 steps 2-7). {@code specs}
   * and {@code snapshots} may be null (not ingested).
   */
  public static Dataset<Row> facts(Dataset<Row> states, Dataset<Row> specs, Dataset<Row> snapshots,
      Dataset<Row> instances, Dataset<Row> dbuPrices) {
    Dataset<Row> dbuRates = dbuPrices.select(col("organization_id"), col("sku"),
        unix_millis(col("activeFrom").cast("timestamp")).as("__price_from"), col("contract_price").as("dbu_rate"));
    Dataset<Row> s = states.drop("Pipeline_SnapTS", "Overwatch_RunID", "workspace_name", TargetTable.NOISE);
    // Steps 2-4: the definition in force at the state start (one row of look-ahead), spec first, then snapshot.
    if (specs != null) {
      Dataset<Row> defs = withSku(specs.select(col("organization_id"), col("cluster_id"), col("timestamp"),
          col("cluster_name"), col("custom_tags"), col("driver_node_type_id"), col("node_type_id"),
          col("spark_version"), col("cluster_type"), col("runtime_engine")));
      s = TemporalLookups.lookupWhen(s, col("unixTimeMS_state_start"), defs, col("timestamp"), PARTITION,
          DEFINITION, 1);
    }
    if (snapshots != null) {
      Dataset<Row> snap = snapshots.select(col("organization_id"), col("cluster_id"),
          coalesce(col("terminated_time"), col("start_time")).as("timestamp"), col("cluster_name"),
          when(col("custom_tags").isNotNull(), to_json(col("custom_tags"))).as("custom_tags"),
          col("driver_node_type_id"), col("node_type_id"),
          coalesce(col("effective_spark_version"), col("spark_version")).as("spark_version"),
          lit(null).cast("string").as("cluster_type"), col("runtime_engine"));
      s = TemporalLookups.lookupWhen(s, col("unixTimeMS_state_start"), withSku(snap), col("timestamp"),
          PARTITION, DEFINITION, 1);
    }
    for (String c : DEFINITION) {
      if (!Arrays.asList(s.columns()).contains(c)) {
        s = s.withColumn(c, lit(null).cast("string"));
      }
    }
    List<Column> order = List.of(col("state_start_date"), col("unixTimeMS_state_start"));
    // Step 6 for the definition attributes first, so that node prices are joined on the filled node types.
    s = TemporalLookups.fillMeta(s, PARTITION, order, List.of("cluster_name", "custom_tags", "driver_node_type_id",
        "runtime_engine", "node_type_id", "spark_version", "sku"));
    // The DBU contract price in force at the state start (decisions: not at the definition time), filled among
    // states of the same sku when the state precedes the first price row.
    s = TemporalLookups.lookupWhen(s, col("unixTimeMS_state_start"), dbuRates, col("__price_from"),
        List.of("organization_id", "sku"), List.of("dbu_rate"), 0);
    s = TemporalLookups.fillMeta(s, List.of("organization_id", "cluster_id", "sku"), order, List.of("dbu_rate"));
    // Step 5: node prices valid at the state start, [activeFrom, activeUntil).
    s = withSpecs(s, instances, "driver_node_type_id", "driverSpecs");
    s = withSpecs(s, instances, "node_type_id", "workerSpecs");
    // Step 6 for the specs, only among states of the same node type: a type missing from instanceDetails stays null.
    s = TemporalLookups.fillMeta(s, List.of("organization_id", "cluster_id", "__driver_key"), order,
        List.of("driverSpecs"));
    s = TemporalLookups.fillMeta(s, List.of("organization_id", "cluster_id", "__worker_key"), order,
        List.of("workerSpecs"));
    return ClusterCosts.apply(s).select(ClusterCosts.outputColumns(COLUMNS));
  }

  /** The sku of each definition row (deriveSKU, costs.md 3.1). */
  static Dataset<Row> withSku(Dataset<Row> defs) {
    return defs.withColumn("sku", ClusterCosts.sku(col("cluster_name"), col("spark_version"), col("cluster_type")));
  }

  /** Left join of the instanceDetails row of the node type valid at the state start, packed as a struct. */
  static Dataset<Row> withSpecs(Dataset<Row> states, Dataset<Row> instances, String nodeType, String specsColumn) {
    String key = specsColumn.equals("driverSpecs") ? "__driver_key" : "__worker_key";
    Dataset<Row> s = states.withColumn(key, lower(trim(col(nodeType))));
    Column packed = struct(Arrays.stream(instances.columns()).map(c -> col(c)).toArray(Column[]::new));
    Dataset<Row> prices = instances.select(col("organization_id").as("__p_org"),
        lower(trim(col("API_Name"))).as("__p_key"),
        unix_millis(col("activeFrom").cast("timestamp")).as("__p_from"),
        unix_millis(col("activeUntil").cast("timestamp")).as("__p_until"), packed.as(specsColumn));
    Column on = s.col("organization_id").equalTo(prices.col("__p_org")).and(s.col(key).equalTo(prices.col("__p_key")))
        .and(s.col("unixTimeMS_state_start").geq(prices.col("__p_from")))
        .and(prices.col("__p_until").isNull().or(s.col("unixTimeMS_state_start").lt(prices.col("__p_until"))));
    return s.join(prices, on, "left").drop("__p_org", "__p_key", "__p_from", "__p_until");
  }

  /** Why a state's cost is null (gold-only column cost_null_reason), or null when it is priced. */
  static Column nullCostReason() {
    return when(col("total_cost").isNotNull(), lit(null).cast("string"))
        .when(col("sku").isNull(), lit("no cluster definition found (cluster_spec_silver, clusters snapshot)"))
        .when(col("dbu_rate").isNull(), concat(lit("no dbuCostDetails price for sku "), col("sku"),
            lit(" at the state start")))
        .when(col("driver_node_type_id").isNull(), lit("driver node type unknown"))
        .when(col("driverSpecs").isNull(), concat(lit("driver node type "), col("driver_node_type_id"),
            lit(" not in instanceDetails at the state start")))
        .when(col("workerSpecs").isNull().and(col("node_type_id").isNotNull()), concat(lit("worker node type "),
            col("node_type_id"), lit(" not in instanceDetails at the state start")))
        .otherwise(lit("worker node type unknown"));
  }

  /** The cost formulas of costs.md 3 as columns over a state row with definition, dbu_rate and specs. */
  static final class ClusterCosts {
    private ClusterCosts() {}

    static Column isAutomated(Column name) {
      return name.like("job-%-run-%");
    }

    /** deriveSKU (costs.md 3.1). */
    static Column sku(Column name, Column sparkVersion, Column clusterType) {
      Column automated = isAutomated(name);
      return when(automated.and(sparkVersion.like("apache_spark_%")), lit("jobsLight"))
          .when(automated, lit("automated"))
          .when(clusterType.equalTo("SQL Analytics"), lit("sqlCompute"))
          .when(clusterType.equalTo("High-Concurrency"), lit("interactive"))
          .when(org.apache.spark.sql.functions.not(automated), lit("interactive"))
          .otherwise(lit("unknown"));
    }

    static Dataset<Row> apply(Dataset<Row> s) {
      Column h = col("uptime_in_state_H");
      Column sec = col("uptime_in_state_S");
      Column dbuBillable = coalesce(col("databricks_billable"), lit(false));
      Column cloudBillable = coalesce(col("cloud_billable"), lit(false));
      Column automated = coalesce(isAutomated(col("cluster_name")), lit(false));
      Column single = coalesce(get_json_object(col("custom_tags"), "$.ResourceClass").equalTo("SingleNode"), lit(false));
      Column photon = coalesce(upper(col("runtime_engine")).equalTo("PHOTON"), lit(false))
          .and(coalesce(upper(col("sku")).notEqual("SQLCOMPUTE"), lit(false)));
      // A null name counts as neither automated nor interactive (a null condition is false).
      Column interactive = coalesce(org.apache.spark.sql.functions.not(isAutomated(col("cluster_name"))), lit(false));
      Column photonFactor = when(photon.and(automated), lit(2.9)).when(photon.and(interactive), lit(2.0))
          .otherwise(lit(1.0));
      Column current = col("current_num_workers");
      Column target = col("target_num_workers");
      Column applicable = when(col("state").equalTo("RESIZING").and(target.lt(current)), target).otherwise(current);
      Dataset<Row> d = s.withColumn("isAutomated", isAutomated(col("cluster_name")))
          .withColumn("driver_dbus", when(dbuBillable, col("driverSpecs.Hourly_DBUs").multiply(h).multiply(photonFactor))
              .otherwise(lit(0.0)))
          .withColumn("worker_dbus", when(dbuBillable.and(org.apache.spark.sql.functions.not(single)),
              col("workerSpecs.Hourly_DBUs").multiply(current).multiply(h).multiply(photonFactor)).otherwise(lit(0.0)))
          .withColumn("total_dbus", col("driver_dbus").plus(col("worker_dbus")))
          .withColumn("driver_compute_cost", compute(cloudBillable, col("driverSpecs.Compute_Contract_Price"), lit(1), h))
          .withColumn("worker_compute_cost", compute(cloudBillable, col("workerSpecs.Compute_Contract_Price"), target, h))
          .withColumn("driver_dbu_cost", col("driver_dbus").multiply(col("dbu_rate")))
          .withColumn("worker_dbu_cost", col("worker_dbus").multiply(col("dbu_rate")))
          .withColumn("total_compute_cost", col("driver_compute_cost").plus(col("worker_compute_cost")))
          .withColumn("total_DBU_cost", col("driver_dbu_cost").plus(col("worker_dbu_cost")))
          .withColumn("total_driver_cost", col("driver_dbu_cost").plus(col("driver_compute_cost")))
          .withColumn("total_worker_cost", col("worker_dbu_cost").plus(col("worker_compute_cost")))
          .withColumn("total_cost", col("driver_compute_cost").plus(col("driver_dbu_cost"))
              .plus(col("worker_compute_cost")).plus(col("worker_dbu_cost")))
          .withColumn("worker_potential_core_H", when(dbuBillable.and(single), col("driverSpecs.vCPUs").multiply(sec))
              .when(dbuBillable, col("workerSpecs.vCPUs").multiply(current).multiply(sec)).otherwise(lit(0.0))
              .divide(3600));
      Column terminating = col("state").equalTo("TERMINATING");
      Column driverCoreS = when(terminating, lit(0.0)).otherwise(round(col("driverSpecs.vCPUs").multiply(sec), 2));
      Column workerCoreS = when(terminating, lit(0.0))
          .otherwise(round(col("workerSpecs.vCPUs").multiply(applicable).multiply(sec), 2));
      Column running = coalesce(col("isRunning"), lit(false));
      return d.withColumn("core_hours", when(running.and(single), round(driverCoreS.divide(3600), 2))
              .when(running, round(workerCoreS.divide(3600), 2)).otherwise(lit(0.0)))
          .withColumn("cost_null_reason", nullCostReason());
    }

    /** Costs.compute: price x hours x nodes when billable, else 0; never null (costs.md 3.4). */
    static Column compute(Column billable, Column priceH, Column nodes, Column hours) {
      return coalesce(when(billable, priceH.multiply(hours).multiply(nodes)).otherwise(lit(0.0)), lit(0.0));
    }

    /** The gold columns in order, typed as gold.md 3.2 says, then the gold-only reason column. */
    static Column[] outputColumns(List<String> columns) {
      List<Column> out = new java.util.ArrayList<>();
      for (String c : columns) {
        Column v = col(c);
        switch (c) {
          case "current_num_workers", "target_num_workers" -> v = v.cast("long");
          case "days_in_state" -> v = v.cast("int");
          case "driver_dbus", "worker_dbus", "total_dbus", "core_hours", "worker_potential_core_H", "dbu_rate",
              "uptime_in_state_S", "uptime_in_state_H", "uptime_since_restart_S" -> v = v.cast("double");
          default -> { }
        }
        out.add(v.as(c));
      }
      out.add(col("cost_null_reason"));
      return out.toArray(Column[]::new);
    }
  }
}
