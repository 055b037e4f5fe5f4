package dev.overwatch.jobs.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.when;

import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.ConsumerView;
import dev.overwatch.jobs.engine.GoldModule;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.TableStore;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WriteMode;
import dev.overwatch.jobs.prices.PriceTables;
import dev.overwatch.jobs.prices.Type2Validation;
import dev.overwatch.jobs.prices.WarehouseDbuDetails;
import dev.overwatch.jobs.silver.TemporalLookups;
import dev.overwatch.jobs.silver.WarehouseSpecSilver;
import dev.overwatch.jobs.silver.WarehouseStateDetailSilver;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * 3020 Gold_WarehouseStateFact -> warehouseStateFact_gold (gold.md 3.20, costs.md 5), view warehousestatefact
 * (presentation.md 3.17): the warehouse states of silver 2022 (window and 31 days before, so open states are
 * closed in place) with the definition in force at the state start (warehouse_spec_silver), the size's DBUs
 * per hour (warehouseDbuDetails valid at the state start), the driver node's cores (instanceDetails) and the
 * sqlCompute contract price (dbuCostDetails). Costs: DBUs/h of the size x clusters running x hours x $/DBU.
 */
public final class WarehouseStateFactGold extends GoldModule {
  public static final TargetTable TARGET = TargetTable.merge("warehouseStateFact_gold", WriteMode.MERGE,
      List.of("warehouse_id", "state", "unixTimeMS_state_start"), List.of("state_start_date", "unixTimeMS_state_start"),
      List.of(TargetTable.ORG, "state_start_date", TargetTable.NOISE), 31);
  public static final ModuleSpec SPEC = ModuleSpec.of(3020, "Gold_WarehouseStateFact", Layer.GOLD,
      Scope.WAREHOUSE_EVENTS, TARGET, 2022, 2021);
  /** The contract price of warehouse DBUs (dbuCostDetails sku). */
  static final String SKU = "sqlCompute";
  /**
   * presentation.md 3.17; driver_dbus reads driver_dbus_v0900, which counts every cluster of the warehouse
   * (the original's driver_dbus priced one cluster whatever the cluster count: decision 404).
   */
  static final ConsumerView VIEW = ConsumerView.of("warehousestatefact", TARGET, "organization_id", "workspace_name",
      "warehouse_id", "warehouse_name", "unixTimeMS_state_start", "tags", "state_start_date", "unixTimeMS_state_end",
      "timestamp_state_start", "timestamp_state_end", "state", "cluster_size", "current_num_clusters",
      "target_num_clusters", "uptime_since_restart_S", "uptime_in_state_S", "uptime_in_state_H", "cloud_billable",
      "databricks_billable", "warehouse_type", "state_dates", "days_in_state", "worker_potential_core_H",
      "driver_dbus").repoint("driver_dbus", "driver_dbus_v0900", false);
  private static final List<String> PARTITION = List.of("organization_id", "warehouse_id");
  private static final List<String> DEFINITION = List.of("warehouse_name", "tags", "channel", "warehouse_type",
      "cluster_size");

  public WarehouseStateFactGold() {
    super(SPEC, VIEW);
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    if (!ctx.tableExists(WarehouseStateDetailSilver.TARGET)) {
      throw new NoNewDataException("warehouse_state_detail_silver does not exist yet", true);
    }
    List<Type2Validation.Violation> violations = new ArrayList<>(PriceTables.validate(ctx));
    violations.addAll(WarehouseDbuDetails.validate(ctx));
    if (!violations.isEmpty()) {
      throw new IllegalStateException("price tables are not a valid Type-2 history (costs.md 2.4), "
          + violations.size() + " problem(s): "
          + violations.stream().map(Type2Validation.Violation::toString).collect(Collectors.joining("; ")));
    }
    Dataset<Row> states = ctx.readIncremental(WarehouseStateDetailSilver.TARGET, 31);
    Dataset<Row> specs = ctx.tableExists(WarehouseSpecSilver.TARGET) ? ctx.readAll(WarehouseSpecSilver.TARGET) : null;
    return facts(states, specs, WarehouseDbuDetails.rates(ctx), PriceTables.instanceDetails(ctx),
        PriceTables.dbuCostDetails(ctx));
  }

  /**
   * The fact rows (gold.md 3.20, costs.md 5). {@code specs} may be null; {@code rates} are
   * {@link WarehouseDbuDetails#rates} rows.
   */
  public static Dataset<Row> facts(Dataset<Row> states, Dataset<Row> specs, Dataset<Row> rates,
      Dataset<Row> instances, Dataset<Row> dbuPrices) {
    Dataset<Row> s = states.drop(TableStore.SNAP_TS, TableStore.RUN_ID, TableStore.WORKSPACE_NAME, TargetTable.NOISE);
    // The definition in force at the state start, else the first one after it (decision 405).
    if (specs != null) {
      Dataset<Row> defs = specs.select(col("organization_id"), col("warehouse_id"), col("timestamp").as("__def_ts"),
          col("warehouse_name"), col("tags"), col("channel"), col("warehouse_type"), col("cluster_size"));
      s = TemporalLookups.lookupWhen(s, col("unixTimeMS_state_start"), defs, col("__def_ts"), PARTITION, DEFINITION,
          org.apache.spark.sql.expressions.Window.unboundedFollowing());
    } else {
      for (String c : DEFINITION) {
        s = s.withColumn(c, lit(null).cast(c.equals("tags") ? "map<string,string>" : "string"));
      }
    }
    s = TemporalLookups.fillMeta(s, PARTITION, List.of(col("unixTimeMS_state_start")), DEFINITION);
    // The size's DBUs per hour valid at the state start (an open price row is valid to the run's snapshot).
    Dataset<Row> size = rates.select(col("organization_id").as("__r_org"), col("__size_key"), col("driver_size"),
        col("total_dbus").cast("double").as("hourly_dbus"), col("__from_ms"), col("__until_ms"));
    Column sizeKey = regexp_replace(lower(trim(col("cluster_size"))), " ", "");
    s = s.join(size, col("__r_org").equalTo(col("organization_id")).and(col("__size_key").equalTo(sizeKey))
        .and(col("__from_ms").leq(col("unixTimeMS_state_start")))
        .and(col("unixTimeMS_state_start").lt(col("__until_ms"))), "left")
        .drop("__r_org", "__size_key", "__from_ms", "__until_ms");
    // Cores of the driver node type valid at the state start (one instanceDetails row, costs.md 5).
    Dataset<Row> cores = validFrom(instances).select(col("organization_id").as("__i_org"), col("API_Name").as("__api"),
        col("vCPUs"), col("__p_from"), col("__p_until"));
    s = s.join(cores, col("__i_org").equalTo(col("organization_id")).and(col("__api").equalTo(col("driver_size")))
        .and(col("__p_from").leq(col("unixTimeMS_state_start"))).and(col("unixTimeMS_state_start").lt(col("__p_until"))),
        "left").drop("__i_org", "__api", "__p_from", "__p_until");
    Dataset<Row> price = validFrom(dbuPrices.where(lower(trim(col("sku"))).equalTo(SKU.toLowerCase(java.util.Locale.ROOT))))
        .select(col("organization_id").as("__d_org"), col("contract_price").as("dbu_rate"), col("__p_from"),
            col("__p_until"));
    s = s.join(price, col("__d_org").equalTo(col("organization_id")).and(col("__p_from").leq(col("unixTimeMS_state_start")))
        .and(col("unixTimeMS_state_start").lt(col("__p_until"))), "left").drop("__d_org", "__p_from", "__p_until");

    Column billable = col("databricks_billable");
    Column hours = col("uptime_in_state_H");
    s = s.withColumn("worker_potential_core_H", when(billable,
            col("vCPUs").multiply(col("current_num_clusters")).multiply(col("uptime_in_state_S"))).otherwise(lit(0.0))
            .divide(3600).cast("double"))
        .withColumn("driver_dbus", when(billable, col("hourly_dbus").multiply(hours)).otherwise(lit(0.0)).cast("double"))
        .withColumn("driver_dbus_v0900", when(billable,
            col("hourly_dbus").multiply(col("current_num_clusters")).multiply(hours)).otherwise(lit(0.0)).cast("double"))
        .withColumn("total_DBU_cost", col("driver_dbus_v0900").multiply(col("dbu_rate")).cast("double"))
        .withColumn("cost_null_reason", when(col("cluster_size").isNull(), lit("warehouse size unknown"))
            .when(col("hourly_dbus").isNull(), lit("no warehouseDbuDetails row for the size at the state start"))
            .when(col("dbu_rate").isNull(), lit("no dbuCostDetails sqlCompute price at the state start")));
    return s.drop("vCPUs", "isRunning", "timestamp", "state_transition_flag", "state_transition_flag_sum");
  }

  /** Price rows with their validity in epoch ms (an open row is valid for ever; the Type-2 check ran before). */
  private static Dataset<Row> validFrom(Dataset<Row> priceRows) {
    return priceRows.withColumn("__p_from", unix_millis(col("activeFrom").cast("timestamp")))
        .withColumn("__p_until", org.apache.spark.sql.functions.coalesce(
            unix_millis(col("activeUntil").cast("timestamp")), lit(Long.MAX_VALUE)));
  }
}
