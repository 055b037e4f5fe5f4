package dev.overwatch.jobs.prices;

import dev.overwatch.jobs.engine.ConsumerView;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.TableStore;
import dev.overwatch.jobs.engine.TargetTable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * The two price reference tables (costs.md 2.1, 2.2): where they live, their columns, and the
 * Type-2 validation (2.4) every cost module runs before it reads them. Seeding and re-pricing:
 * {@link PriceRefresh}. See docs/prices.md "For module authors".
 */
public final class PriceTables {
  /** instanceDetails: node type -> specs and hourly prices, per workspace, Type-2 on (API_Name, activeFrom). */
  public static final TargetTable INSTANCE_DETAILS = type2("instanceDetails", "API_Name");
  /** dbuCostDetails: sku -> contract price per DBU, per workspace, Type-2 on (sku, activeFrom). */
  public static final TargetTable DBU_COST_DETAILS = type2("dbuCostDetails", "sku");

  /** The skus of dbuCostDetails (costs.md 2.2). */
  public static final List<String> SKUS = List.of("interactive", "automated", "sqlCompute", "jobsLight");

  /** Columns of instanceDetails in order: required (costs.md 2.1), informational, then gold.md 1.1 metadata. */
  public static final StructType INSTANCE_DETAILS_SCHEMA = schema("organization_id STRING, workspace_name STRING,"
      + " API_Name STRING, instance STRING, vCPUs INT, Memory_GB DOUBLE, GPUs INT, Compute_Contract_Price DOUBLE,"
      + " On_Demand_Cost_Hourly DOUBLE, Hourly_DBUs DOUBLE, isActive BOOLEAN, activeFrom DATE, activeUntil DATE");

  /** Columns of dbuCostDetails in order (costs.md 2.2, gold.md 1.1). */
  public static final StructType DBU_COST_DETAILS_SCHEMA = schema("organization_id STRING, workspace_name STRING,"
      + " sku STRING, contract_price DOUBLE, isActive BOOLEAN, activeFrom DATE, activeUntil DATE");

  private PriceTables() {}

  /** A Type-2 reference table of this package: appended per workspace, one row per (key, activeFrom) (costs.md 2.4). */
  static TargetTable type2(String name, String key) {
    return TargetTable.append(name, List.of(key, "activeFrom"), List.of(TableStore.SNAP_TS), List.of(TargetTable.ORG));
  }

  /**
   * A reference table's columns in order, as Spark DDL (one line per table instead of a field per line), then the
   * run metadata every one of them ends with (gold.md 1.1).
   */
  static StructType schema(String ddl) {
    return StructType.fromDDL(ddl + ", " + TableStore.SNAP_TS + " TIMESTAMP, " + TableStore.RUN_ID + " STRING");
  }

  /** Every instanceDetails row of the context's workspace (all history; filter on activeFrom/activeUntil). */
  public static Dataset<Row> instanceDetails(ModuleContext ctx) {
    return ctx.readAll(INSTANCE_DETAILS);
  }

  /** Every dbuCostDetails row of the context's workspace (all history). */
  public static Dataset<Row> dbuCostDetails(ModuleContext ctx) {
    return ctx.readAll(DBU_COST_DETAILS);
  }

  /**
   * Type-2 violations of both price tables for the context's workspace (costs.md 2.4); empty when
   * both are valid. A missing table is a violation too (the price step never ran).
   */
  public static List<Type2Validation.Violation> validate(ModuleContext ctx) {
    LocalDate snapshotDate = ctx.snapshot().atZone(ctx.zone()).toLocalDate();
    List<Type2Validation.Violation> out = new ArrayList<>();
    out.addAll(validate(ctx, INSTANCE_DETAILS, "API_Name", snapshotDate));
    out.addAll(validate(ctx, DBU_COST_DETAILS, "sku", snapshotDate));
    return out;
  }

  /**
   * Fails a cost module before it reads prices: throws with every violation (key, previous until,
   * gap days) in the message, which the engine writes to pipeline_report.
   */
  public static void requireValid(ModuleContext ctx) {
    List<Type2Validation.Violation> violations = validate(ctx);
    if (!violations.isEmpty()) {
      throw new IllegalStateException("price tables are not a valid Type-2 history (costs.md 2.4), "
          + violations.size() + " problem(s): "
          + violations.stream().map(Type2Validation.Violation::toString).collect(Collectors.joining("; ")));
    }
  }

  private static List<Type2Validation.Violation> validate(ModuleContext ctx, TargetTable table, String keyColumn,
      LocalDate snapshotDate) {
    if (!ctx.tableExists(table)) {
      return List.of(new Type2Validation.Violation(table.name(), ctx.organizationId(), "*", null, null, 0,
          "table does not exist: the price step did not run"));
    }
    List<Type2Validation.Period> periods = ctx.readAll(table)
        .select(keyColumn, "activeFrom", "activeUntil", "isActive").collectAsList().stream()
        .map(PriceTables::period).toList();
    if (periods.isEmpty()) {
      return List.of(new Type2Validation.Violation(table.name(), ctx.organizationId(), "*", null, null, 0,
          "no rows for this workspace: the price step did not run"));
    }
    return Type2Validation.check(table.name(), ctx.organizationId(), new ArrayList<>(periods), snapshotDate);
  }

  static Type2Validation.Period period(Row r) {
    return new Type2Validation.Period(r.getString(0), r.isNullAt(1) ? null : r.getDate(1).toLocalDate(),
        r.isNullAt(2) ? null : r.getDate(2).toLocalDate(), !r.isNullAt(3) && r.getBoolean(3));
  }

  /**
   * Consumer views over the reference tables (presentation.md 2 rows 20-22): every column, published
   * only when the consumer database differs from the ETL database.
   */
  public static List<ConsumerView> views() {
    return List.of(
        ConsumerView.of("instancedetails", INSTANCE_DETAILS, names(INSTANCE_DETAILS_SCHEMA)),
        ConsumerView.of("dbucostdetails", DBU_COST_DETAILS, names(DBU_COST_DETAILS_SCHEMA)),
        WarehouseDbuDetails.view());
  }

  private static String[] names(StructType schema) {
    return Arrays.stream(schema.fieldNames()).toArray(String[]::new);
  }
}
