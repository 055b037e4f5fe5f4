package dev.overwatch.jobs.prices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.jobs.prices.PriceRefresh.Change;
import dev.overwatch.jobs.prices.PriceRefresh.Version;
import dev.overwatch.jobs.prices.Type2Validation.Period;
import dev.overwatch.jobs.prices.Type2Validation.Violation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Price files, Type-2 planning and validation without Spark (costs.md 2.1, 2.2, 2.4). */
class PriceFilesTest {
  private static final LocalDate D1 = LocalDate.parse("2026-11-01");
  private static final LocalDate D5 = LocalDate.parse("2026-11-05");
  private static final LocalDate D8 = LocalDate.parse("2026-11-08");
  private static final LocalDate SNAP = LocalDate.parse("2026-11-10");

  @Test
  void bundledFilesCoverEveryCloudAndEveryNodeTypeOfTheSamples() throws IOException {
    for (String cloud : List.of("AWS", "Azure", "GCP")) {
      PriceCsv.Parsed parsed = PriceCsv.bundled(cloud);
      assertTrue(parsed.rows().size() >= 40, cloud + " has " + parsed.rows().size() + " node types");
      for (InstancePrice p : parsed.rows()) {
        assertTrue(p.vCPUs() > 0 && p.memoryGb() > 0 && p.hourlyDbus() > 0 && p.computeContractPrice() > 0,
            cloud + " " + p);
        assertEquals(p.onDemandCostHourly(), p.computeContractPrice(), "list price is the default contract price");
      }
      // Families: general purpose, memory, storage, compute and GPU.
      for (String family : List.of("General purpose", "Memory optimised", "Compute optimised", "GPU")) {
        assertTrue(parsed.rows().stream().anyMatch(p -> p.instance().startsWith(family)), cloud + " lacks " + family);
      }
    }
    assertTrue(PriceCsv.bundled("AWS").rows().stream().anyMatch(p -> p.instance().startsWith("Storage")));
    assertTrue(PriceCsv.bundled("Azure").rows().stream().anyMatch(p -> p.instance().startsWith("Storage")));

    // Every node type the quickstart and the test recordings use is priced (the quickstart shows a cost per cluster).
    Set<String> used = new TreeSet<>();
    Pattern nodeType = Pattern.compile("node_type_id\\\\?\"\\s*:\\s*\\\\?\"([A-Za-z0-9._-]+)");
    for (Path root : List.of(Path.of("../examples/quickstart"), Path.of("src/test/resources/replay"))) {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path f : files.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".json")).toList()) {
          Matcher m = nodeType.matcher(Files.readString(f));
          while (m.find()) {
            used.add(m.group(1));
          }
        }
      }
    }
    assertTrue(used.size() >= 4, "node types found: " + used);
    Map<String, InstancePrice> aws = PriceCsv.bundled("AWS").byKey();
    for (String n : used) {
      assertNotNull(aws.get(InstancePrice.normalise(n)), "bundled AWS prices lack " + n);
    }
  }

  @Test
  void overrideFileOverridesExtendsAndRejectsBadRowsByLine() {
    Map<String, InstancePrice> base = PriceCsv.bundled("AWS").byKey();
    String csv = """
        api_name,Compute_Contract_Price,vcpus,memory_gb,hourly_dbus,Name
        m5.xlarge,0.15,,,,
        x9.custom,0.5,6,24,1.2,Custom box
        " I3.XLARGE ",,,,2.5,
        r5.large,cheap,,,,
        ,0.1,1,1,1,
        z1.new,0.3,,,,
        m5.xlarge,0.16,,,,
        """;
    PriceCsv.Parsed parsed = PriceCsv.parse(csv, "prices.csv", base);
    Map<String, InstancePrice> rows = parsed.byKey();
    InstancePrice m5 = rows.get("m5.xlarge");
    assertEquals(0.15, m5.computeContractPrice());
    assertEquals(base.get("m5.xlarge").onDemandCostHourly(), m5.onDemandCostHourly());
    assertEquals(base.get("m5.xlarge").hourlyDbus(), m5.hourlyDbus());
    assertEquals(4, m5.vCPUs());
    InstancePrice custom = rows.get("x9.custom");
    assertEquals(new InstancePrice("x9.custom", "Custom box", 6, 24.0, 0, 0.5, 0.5, 1.2), custom);
    InstancePrice i3 = rows.get("i3.xlarge");
    assertEquals("i3.xlarge", i3.apiName(), "a known node keeps its stored spelling");
    assertEquals(2.5, i3.hourlyDbus());
    assertEquals(3, rows.size());

    List<PriceCsv.Rejected> rejected = parsed.rejected();
    assertEquals(List.of(5L, 6L, 7L, 8L), rejected.stream().map(PriceCsv.Rejected::line).toList());
    assertTrue(rejected.get(0).reason().contains("Compute_Contract_Price is not a number: 'cheap'"), rejected.get(0).reason());
    assertTrue(rejected.get(1).reason().contains("API_Name is empty"));
    assertTrue(rejected.get(2).reason().contains("new node type z1.new needs vCPUs"));
    assertTrue(rejected.get(3).reason().contains("duplicate API_Name m5.xlarge (first on line 2)"));
    assertEquals("r5.large,cheap,,,,", rejected.get(0).record());

    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> PriceCsv.parse("API_Name,Hourly_DBU\nm5.large,1\n", "s3a://b/prices.csv", base));
    assertTrue(unknown.getMessage().contains("s3a://b/prices.csv: unknown column 'Hourly_DBU'"), unknown.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PriceCsv.parse("vCPUs\n4\n", "f.csv", base));
    assertThrows(IllegalArgumentException.class, () -> PriceCsv.parse("", "f.csv", base));
  }

  @Test
  void planSeedsRepricesOnlyChangedRepriceableKeysAndIsIdempotent() {
    // First run: every desired key opens from the primordial date.
    List<Change<Double>> seed = PriceRefresh.plan(Map.of(), Map.of("interactive", 0.55, "automated", 0.15),
        Set.of("interactive", "automated"), (a, b) -> !a.equals(b), D1, SNAP);
    assertEquals(2, seed.size());
    assertTrue(seed.stream().allMatch(c -> !c.close() && c.activeFrom().equals(D1) && c.activeUntil() == null));

    Map<String, List<Version<Double>>> stored = Map.of(
        "interactive", List.of(new Version<>("interactive", D1, null, true, 0.55)),
        "automated", List.of(new Version<>("automated", D1, null, true, 0.15)));
    // Same prices: nothing.
    assertEquals(List.of(), PriceRefresh.plan(stored, Map.of("interactive", 0.55, "automated", 0.15),
        Set.of("interactive", "automated"), (a, b) -> !a.equals(b), D1, SNAP));
    // A changed price closes the open row at the snapshot date and opens the new one from it.
    List<Change<Double>> change = PriceRefresh.plan(stored, Map.of("interactive", 0.65, "automated", 0.15),
        Set.of("interactive", "automated"), (a, b) -> !a.equals(b), D1, SNAP);
    assertEquals(List.of(new Change<>("interactive", "interactive", 0.55, D1, SNAP, true),
        new Change<>("interactive", "interactive", 0.65, SNAP, null, false)), change);
    // Keys that are not re-priceable (bundled rows of an existing table) are left to the user.
    assertEquals(List.of(), PriceRefresh.plan(stored, Map.of("interactive", 0.65), Set.of(),
        (a, b) -> !a.equals(b), D1, SNAP));
    // A new key joins from the primordial date.
    List<Change<Double>> added = PriceRefresh.plan(stored, Map.of("jobsLight", 0.10), Set.of("jobsLight"),
        (a, b) -> !a.equals(b), D1, SNAP);
    assertEquals(List.of(new Change<>("jobsLight", null, 0.10, D1, null, false)), added);
  }

  @Test
  void type2ValidationNamesOverlapsGapsDoubleActivesAndTwins() {
    // A clean price change passes.
    List<Period> valid = List.of(new Period("m5.xlarge", D1, D5, false), new Period("m5.xlarge", D5, null, true),
        new Period("i3.xlarge", D1, null, true));
    assertEquals(List.of(), Type2Validation.check("instanceDetails", "org", valid, SNAP));

    List<Violation> gap = Type2Validation.check("instanceDetails", "org",
        List.of(new Period("m5.xlarge", D1, D5, false), new Period(" M5.XLARGE", D8, null, true)), SNAP);
    assertEquals(1, gap.size());
    assertEquals(new Violation("instanceDetails", "org", " M5.XLARGE", D8, D5, 3, "gap"), gap.get(0));
    assertTrue(gap.get(0).toString().contains("M5.XLARGE") && gap.get(0).toString().contains("gap 3 day(s)"));

    List<Violation> overlap = Type2Validation.check("dbuCostDetails", "org",
        List.of(new Period("interactive", D1, D8, false), new Period("interactive", D5, null, true)), SNAP);
    assertEquals(List.of(new Violation("dbuCostDetails", "org", "interactive", D5, D8, -3, "overlap")), overlap);

    List<Violation> twoActive = Type2Validation.check("dbuCostDetails", "org",
        List.of(new Period("automated", D1, null, true), new Period("automated", D5, null, true)), SNAP);
    assertTrue(twoActive.stream().anyMatch(v -> v.problem().startsWith("multiple active records (2)")), twoActive.toString());
    assertTrue(twoActive.stream().anyMatch(v -> v.problem().startsWith("overlap: an earlier row is still open")
        && v.previousUntil().equals(SNAP)), twoActive.toString());

    List<Violation> twins = Type2Validation.check("dbuCostDetails", "org",
        List.of(new Period("sqlCompute", D1, D5, false), new Period("sqlCompute", D1, D5, false),
            new Period("sqlCompute", D5, null, true)), SNAP);
    assertEquals(List.of(new Violation("dbuCostDetails", "org", "sqlCompute", D1, D5, 0,
        "twin rows with the same activeFrom and activeUntil")), twins);

    List<Violation> backwards = Type2Validation.check("dbuCostDetails", "org",
        List.of(new Period("jobsLight", D5, D1, false)), SNAP);
    assertTrue(backwards.get(0).problem().contains("before activeFrom"));
  }

  @Test
  void warehouseRateFileBecomesType2RowsByDateRejectsBadRowsAndNeverRewritesHistory() {
    List<WarehouseDbuDetails.Size> aws = WarehouseDbuDetails.bundled("AWS");
    String csv = """
        Cluster_Size,TOTAL_DBUS,activeFrom,driver_size
        medium,28,2026-11-05,
        Medium,30,2026-11-08,
        Small,13,2020-01-01,
        Custom XL,100,2026-11-05,m5.24xlarge
        Large,lots,2026-11-05,
        ,5,2026-11-05,
        Large,40,11/05/2026,
        Medium,31,2026-11-08,
        """;
    WarehouseDbuCsv.Parsed parsed = WarehouseDbuCsv.parse(csv, "rates.csv", WarehouseDbuDetails.byKey(aws));
    assertEquals(List.of(6L, 7L, 8L, 9L), parsed.rejected().stream().map(PriceCsv.Rejected::line).toList());
    assertEquals(List.of("total_dbus is not a whole number >= 0: 'lots'", "cluster_size is empty",
        "activeFrom is not a date (yyyy-MM-dd): '11/05/2026'", "duplicate cluster_size Medium from 2026-11-08 (first on line 3)"),
        parsed.rejected().stream().map(PriceCsv.Rejected::reason).toList());
    assertEquals("rates.csv", parsed.rejected().get(0).source());

    // First run: bundled sizes from the primordial date, the file's rates from their dates (Small's 2020 row from D1).
    WarehouseDbuCsv.Plan first = WarehouseDbuCsv.plan(Map.of(), parsed.rows(), aws, D1, "rates.csv");
    assertEquals(List.of(), first.closes());
    assertEquals(List.of(), first.rejected());
    assertEquals(List.of("Medium|i3.8xlarge|24|2026-11-01|2026-11-05", "Medium|i3.8xlarge|28|2026-11-05|2026-11-08",
        "Medium|i3.8xlarge|30|2026-11-08|null"), versions(first.inserts(), "Medium"));
    assertEquals(List.of("Small|i3.4xlarge|13|2026-11-01|null"), versions(first.inserts(), "Small"));
    assertEquals(List.of("Custom XL|m5.24xlarge|100|2026-11-05|null"), versions(first.inserts(), "Custom XL"));
    assertEquals(aws.size() + 3, first.inserts().size(), "every bundled size, two more Medium rows and Custom XL");

    // Rerun with the same file: nothing to write.
    Map<String, List<WarehouseDbuCsv.Version>> stored = new java.util.HashMap<>();
    first.inserts().forEach(v -> stored.computeIfAbsent(WarehouseDbuDetails.normalise(v.rate().clusterSize()),
        k -> new java.util.ArrayList<>()).add(new WarehouseDbuCsv.Version(v.rate(), v.activeFrom(), v.activeUntil(),
        true, false)));
    WarehouseDbuCsv.Plan again = WarehouseDbuCsv.plan(stored, parsed.rows(), aws, D1, "rates.csv");
    assertEquals(List.of(), again.inserts());
    assertEquals(List.of(), again.closes());
    assertEquals(List.of(), again.rejected());

    // A later rate closes the open row on its date; rows that would rewrite stored history are rejected by line.
    WarehouseDbuCsv.Parsed later = WarehouseDbuCsv.parse("""
        cluster_size,total_dbus,activeFrom
        Medium,32,2026-11-09
        Medium,25,2026-11-06
        Small,14,2026-11-01
        """, "rates.csv", WarehouseDbuDetails.byKey(aws));
    WarehouseDbuCsv.Plan change = WarehouseDbuCsv.plan(stored, later.rows(), aws, D1, "rates.csv");
    assertEquals(List.of("Medium|i3.8xlarge|30|2026-11-08|2026-11-09"), versions(change.closes(), "Medium"));
    assertEquals(List.of("Medium|i3.8xlarge|32|2026-11-09|null"), versions(change.inserts(), "Medium"));
    assertEquals(1, change.inserts().size());
    assertEquals(List.of(3L, 4L), change.rejected().stream().map(PriceCsv.Rejected::line).toList());
    assertTrue(change.rejected().get(0).reason().contains("before the open row of Medium (from 2026-11-08)"),
        change.rejected().get(0).reason());
    assertTrue(change.rejected().get(1).reason().contains("stored row of Small from 2026-11-01 has another rate"),
        change.rejected().get(1).reason());

    IllegalArgumentException noDate = assertThrows(IllegalArgumentException.class,
        () -> WarehouseDbuCsv.parse("cluster_size,total_dbus\nSmall,12\n", "s3a://b/rates.csv", Map.of()));
    assertTrue(noDate.getMessage().contains("s3a://b/rates.csv: the header has no activeFrom column"), noDate.getMessage());
  }

  private static List<String> versions(List<WarehouseDbuCsv.Version> versions, String size) {
    return versions.stream().filter(v -> v.rate().clusterSize().equals(size))
        .sorted(java.util.Comparator.comparing(WarehouseDbuCsv.Version::activeFrom))
        .map(v -> String.join("|", v.rate().clusterSize(), v.rate().driverSize(), String.valueOf(v.rate().totalDbus()),
            String.valueOf(v.activeFrom()), String.valueOf(v.activeUntil()))).toList();
  }
}
