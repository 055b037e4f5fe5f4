package dev.overwatch.jobs.prices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchDeploymentSpec;
import dev.overwatch.api.v1alpha1.WorkspaceSpec;
import dev.overwatch.jobs.TestSpark;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.Pipeline;
import dev.overwatch.jobs.engine.TableStore;
import dev.overwatch.jobs.engine.TimeWindow;
import dev.overwatch.jobs.engine.WorkspaceConfig;
import dev.overwatch.jobs.gold.InstancePoolGold;
import io.delta.tables.DeltaTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Seeding, re-pricing, the CSV override and Type-2 validation on real Delta tables (costs.md 2).
 * One test on purpose: each step builds on the tables of the previous one.
 */
class PriceTablesTest {
  private static final String AWS_ORG = "1001";
  private static final String AZURE_ORG = "2002";
  private final SparkSession spark = TestSpark.session();

  @Test
  void seedRepriceOverrideAndValidate() throws Exception {
    Path dir = TestSpark.newDir("prices");
    OverwatchDeployment deployment = TestSpark.deployment(dir.resolve("store"), "prices_etl");
    OverwatchDeploymentSpec spec = deployment.getSpec();
    spec.primordialDate = "2026-11-01";
    spec.workspaces = List.of(workspace("aws-ws", AWS_ORG, WorkspaceSpec.Cloud.AWS),
        workspace("azure-ws", AZURE_ORG, WorkspaceSpec.Cloud.Azure));
    new Pipeline.Databases(spark, spec).ensure();
    TableStore store = new TableStore(spark, dir.resolve("store").toUri().toString().replaceAll("/$", ""), "prices_etl");

    // 1. First run: bundled node prices of each workspace's cloud and the four skus, from the primordial date.
    Instant snap1 = Instant.parse("2026-11-05T06:00:00Z");
    for (WorkspaceSpec ws : spec.workspaces) {
      PriceRefresh.Outcome seeded = refresh(store, spec, ws, snap1);
      assertEquals(0, seeded.rowsClosed());
    }
    int awsNodes = PriceCsv.bundled("AWS").rows().size();
    int azureNodes = PriceCsv.bundled("Azure").rows().size();
    assertEquals(awsNodes, count("instanceDetails", AWS_ORG, "isActive AND activeUntil IS NULL AND activeFrom = DATE'2026-11-01'"));
    assertEquals(azureNodes, count("instanceDetails", AZURE_ORG, "isActive AND activeFrom = DATE'2026-11-01'"));
    assertEquals(0, count("instanceDetails", AZURE_ORG, "API_Name = 'm5.xlarge'"));
    Row m5 = spark.sql("SELECT vCPUs, Memory_GB, Compute_Contract_Price, Hourly_DBUs, workspace_name, Overwatch_RunID "
        + "FROM prices_etl.instanceDetails WHERE organization_id = '" + AWS_ORG + "' AND API_Name = 'm5.xlarge'").first();
    assertEquals(List.of(4, 16.0, 0.192, 0.69, "aws-ws", "run-" + snap1), List.of(m5.get(0), m5.get(1), m5.get(2),
        m5.get(3), m5.get(4), m5.get(5)));
    assertEquals(List.of("automated=0.15", "interactive=0.55", "jobsLight=0.1", "sqlCompute=0.22"), skus(AWS_ORG, "isActive"));
    long nodeVersion = version("instanceDetails");
    long skuVersion = version("dbuCostDetails");

    // 2. A rerun with the same prices changes nothing (no commit at all).
    PriceRefresh.Outcome again = refresh(store, spec, spec.workspaces.get(0), Instant.parse("2026-11-06T06:00:00Z"));
    assertEquals(0, again.rowsOpened() + again.rowsClosed());
    assertEquals(nodeVersion, version("instanceDetails"));
    assertEquals(skuVersion, version("dbuCostDetails"));

    // 3. A new contract price and a price file: the old rows close on the snapshot date, new ones open from it;
    //    a node type new to the table joins from the primordial date; a bad row is rejected, the rest applies.
    spec.prices.interactive = 0.65;
    Path csv = dir.resolve("my-prices.csv");
    Files.writeString(csv, """
        API_Name,Compute_Contract_Price,vCPUs,Memory_GB,Hourly_DBUs
        m5.xlarge,0.15,,,
        x9.custom,0.5,6,24,1.2
        i3.xlarge,not-a-price,,,
        """);
    spec.prices.instanceDetailsCsv = csv.toString();
    //    The warehouse rate file (decision 1102): Medium's new rate from 2026-11-07 closes its seeded row that day.
    Path rates = dir.resolve("warehouse-rates.csv");
    Files.writeString(rates, """
        cluster_size,total_dbus,activeFrom
        Medium,28,2026-11-07
        Small,twelve,2026-11-07
        """);
    spec.prices.warehouseDbuDetailsCsv = rates.toString();
    Instant snap3 = Instant.parse("2026-11-07T06:00:00Z");
    PriceRefresh.Outcome repriced = refresh(store, spec, spec.workspaces.get(0), snap3);
    assertEquals(3, repriced.rowsClosed());
    assertEquals(4, repriced.rowsOpened());
    assertEquals(2, repriced.rejected().size());
    assertTrue(repriced.rejected().get(0).reason().contains("Compute_Contract_Price is not a number"));
    assertEquals(rates + ":3:total_dbus is not a whole number >= 0: 'twelve'", repriced.rejected().get(1).source() + ":"
        + repriced.rejected().get(1).line() + ":" + repriced.rejected().get(1).reason());
    long nov7 = Instant.parse("2026-11-07T00:00:00Z").toEpochMilli();
    assertEquals(List.of("2026-11-01..2026-11-07 " + nov7 + " false 24 i3.8xlarge run-" + snap1,
        "2026-11-07..null null true 28 i3.8xlarge run-" + snap3), spark.sql("SELECT concat_ws(' ', concat(activeFrom, '..',"
        + " coalesce(cast(activeUntil AS string), 'null')), coalesce(cast(activeUntilEpochMillis AS string), 'null'),"
        + " isActive, total_dbus, driver_size, Overwatch_RunID) FROM prices_etl.warehouseDbuDetails WHERE organization_id = '"
        + AWS_ORG + "' AND cluster_size = 'Medium' ORDER BY activeFrom").collectAsList().stream().map(r -> r.getString(0))
        .toList());
    assertEquals(List.of("2026-11-01..2026-11-07 false 0.192 run-" + snap1, "2026-11-07..null true 0.15 run-" + snap3),
        history(AWS_ORG, "m5.xlarge"));
    assertEquals(List.of("2026-11-01..null true 0.5 run-" + snap3), history(AWS_ORG, "x9.custom"));
    assertEquals(List.of("automated=0.15", "interactive=0.65", "jobsLight=0.1", "sqlCompute=0.22"), skus(AWS_ORG, "isActive"));
    assertEquals(List.of("interactive=0.55"), skus(AWS_ORG, "NOT isActive AND activeUntil = DATE'2026-11-07'"));
    assertEquals(awsNodes + 2, count("instanceDetails", AWS_ORG, "true"));
    assertEquals(azureNodes, count("instanceDetails", AZURE_ORG, "true"), "another workspace is untouched");

    // 4. The same again: nothing changes; history is kept.
    long afterReprice = version("instanceDetails");
    PriceRefresh.Outcome rerun = refresh(store, spec, spec.workspaces.get(0), Instant.parse("2026-11-08T06:00:00Z"));
    assertEquals(0, rerun.rowsOpened() + rerun.rowsClosed());
    assertEquals(afterReprice, version("instanceDetails"));

    // 5. Type-2 validation: valid as written; a hand edit that overlaps fails naming the key.
    ModuleContext ctx = context(store, spec, spec.workspaces.get(0), Instant.parse("2026-11-08T06:00:00Z"));
    assertEquals(List.of(), PriceTables.validate(ctx));
    assertEquals(List.of(), WarehouseDbuDetails.validate(ctx));
    PriceTables.requireValid(ctx);
    spark.sql("INSERT INTO prices_etl.instanceDetails (organization_id, workspace_name, API_Name, vCPUs, Memory_GB, "
        + "Compute_Contract_Price, Hourly_DBUs, isActive, activeFrom, activeUntil) VALUES ('" + AWS_ORG + "', 'aws-ws', "
        + "'r5.large', 2, 16, 0.1, 0.45, true, DATE'2026-11-04', null)");
    spark.sql("UPDATE prices_etl.dbuCostDetails SET activeFrom = DATE'2026-11-09' WHERE organization_id = '" + AWS_ORG
        + "' AND sku = 'interactive' AND isActive");
    List<Type2Validation.Violation> violations = PriceTables.validate(ctx);
    assertTrue(violations.stream().anyMatch(v -> v.key().equals("r5.large") && v.problem().startsWith("multiple active")),
        violations.toString());
    assertTrue(violations.stream().anyMatch(v -> v.key().equals("interactive") && v.problem().equals("gap")
        && v.gapDays() == 2), violations.toString());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> PriceTables.requireValid(ctx));
    assertTrue(e.getMessage().contains("instanceDetails r5.large (organization " + AWS_ORG + ")"), e.getMessage());
    assertTrue(e.getMessage().contains("dbuCostDetails interactive"), e.getMessage());
    assertEquals(List.of(), PriceTables.validate(context(store, spec, spec.workspaces.get(1), Instant.parse("2026-11-08T06:00:00Z"))),
        "the other workspace stays valid");
  }

  private static PriceRefresh.Outcome refresh(TableStore store, OverwatchDeploymentSpec spec, WorkspaceSpec ws, Instant snapshot) {
    return new PriceRefresh(store, WorkspaceConfig.of(spec, ws), spec, snapshot, "run-" + snapshot).run();
  }

  private static ModuleContext context(TableStore store, OverwatchDeploymentSpec spec, WorkspaceSpec ws, Instant snapshot) {
    long ms = snapshot.toEpochMilli();
    return new ModuleContext(InstancePoolGold.SPEC, WorkspaceConfig.of(spec, ws), spec, store,
        new TimeWindow(ms - 86_400_000L, ms, false), "run-x", snapshot, ZoneId.of("UTC"), () -> null, "/tmp/unused");
  }

  private long count(String table, String org, String where) {
    return spark.sql("SELECT count(*) FROM prices_etl." + table + " WHERE organization_id = '" + org + "' AND (" + where + ")")
        .first().getLong(0);
  }

  private List<String> skus(String org, String where) {
    return spark.sql("SELECT concat(sku, '=', contract_price) FROM prices_etl.dbuCostDetails WHERE organization_id = '"
        + org + "' AND (" + where + ") ORDER BY sku").collectAsList().stream().map(r -> r.getString(0)).toList();
  }

  private List<String> history(String org, String apiName) {
    return spark.sql("SELECT concat(activeFrom, '..', coalesce(cast(activeUntil AS string), 'null'), ' ', isActive, ' ', "
        + "Compute_Contract_Price, ' ', Overwatch_RunID) FROM prices_etl.instanceDetails WHERE organization_id = '" + org
        + "' AND API_Name = '" + apiName + "' ORDER BY activeFrom").collectAsList().stream().map(r -> r.getString(0)).toList();
  }

  private long version(String table) {
    String location = spark.sql("DESCRIBE DETAIL prices_etl." + table).first().getAs("location");
    return DeltaTable.forPath(spark, location).history(1).first().getLong(0);
  }

  private static WorkspaceSpec workspace(String name, String org, WorkspaceSpec.Cloud cloud) {
    WorkspaceSpec ws = new WorkspaceSpec();
    ws.name = name;
    ws.organizationId = org;
    ws.cloud = cloud;
    return ws;
  }
}
