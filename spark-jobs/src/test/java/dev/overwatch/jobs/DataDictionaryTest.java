package dev.overwatch.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.jobs.config.Deployments;
import dev.overwatch.jobs.engine.ConsumerView;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.SparkSessions;
import dev.overwatch.jobs.prices.PriceTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * docs/data-dictionary holds one file per published view with exactly the view's columns, in order, and nothing
 * else; the README of the folder links every file. Types are checked where tests publish views over real tables
 * (FidelityTest, ClusterCostChainTest, PoolsChainTest, JobRunCostPotentialFactTest); the generator mode fills
 * them from a real run:
 * {@code mvn -o -pl spark-jobs test -Dtest=DataDictionaryTest -Ddictionary.update=../examples/quickstart/deployment.yaml}
 * (after the quickstart run; relative storage prefixes are resolved against the repository root).
 */
class DataDictionaryTest {
  /** Views the engine publishes in the ETL database without a ConsumerView registration (checked in PoolsChainTest). */
  static final List<String> ENGINE_VIEWS = List.of("pipreport");
  private static final Pattern TYPE = Pattern.compile(
      "string|bigint|int|smallint|tinyint|double|float|boolean|timestamp|date|binary|decimal\\(\\d+,\\d+\\)|struct"
          + "|array<.+>|map<.+,.+>");

  /** Every registered consumer view and reference view, by lower-case name. */
  static Map<String, ConsumerView> registeredViews() {
    Map<String, ConsumerView> views = new LinkedHashMap<>();
    for (Module m : Modules.all().modules()) {
      m.view().ifPresent(v -> views.put(v.name().toLowerCase(java.util.Locale.ROOT), v));
    }
    PriceTables.views().forEach(v -> views.put(v.name().toLowerCase(java.util.Locale.ROOT), v));
    return views;
  }

  @Test
  void everyViewHasItsFileWithExactlyItsColumnsAndNoFileIsStale() throws IOException {
    Map<String, ConsumerView> views = registeredViews();
    List<String> problems = new ArrayList<>();
    for (ConsumerView v : views.values()) {
      List<String> expected = v.columns().stream().map(ConsumerView.ViewColumn::name).toList();
      if (!Files.exists(DataDictionary.file(v.name()))) {
        problems.add("view " + v.name() + " has no file " + DataDictionary.file(v.name()));
        continue;
      }
      List<String> documented = DataDictionary.columns(v.name()).stream().map(DataDictionary.Column::name).toList();
      if (!documented.equals(expected)) {
        problems.add(DataDictionary.file(v.name()) + " lists " + documented + " but view " + v.name() + " has " + expected);
      }
    }
    TreeSet<String> known = new TreeSet<>(views.keySet());
    known.addAll(ENGINE_VIEWS);
    String index = Files.readString(DataDictionary.FOLDER.resolve("README.md"));
    for (String documented : DataDictionary.documentedViews()) {
      if (!known.contains(documented)) {
        problems.add(DataDictionary.file(documented) + " documents no published view (stale file?)");
      }
      if (!index.contains("(" + documented + ".md)")) {
        problems.add("docs/data-dictionary/README.md does not link " + documented + ".md");
      }
      for (DataDictionary.Column c : DataDictionary.columns(documented)) {
        if (!TYPE.matcher(c.type()).matches()) {
          problems.add(DataDictionary.file(documented) + ": column " + c.name() + " has no Spark SQL type: '" + c.type() + "'");
        }
      }
      List<String> head = Files.readAllLines(DataDictionary.file(documented)).subList(0, 1);
      if (!head.equals(List.of("# " + documented))) {
        problems.add(DataDictionary.file(documented) + " does not start with '# " + documented + "'");
      }
    }
    for (String engineView : ENGINE_VIEWS) {
      if (!Files.exists(DataDictionary.file(engineView))) {
        problems.add("view " + engineView + " has no file");
      }
    }
    assertEquals(List.of(), problems);
    assertTrue(views.size() >= 14, "the registry lists " + views.keySet());
  }

  /** Generator mode: the type cells of every file from the views a real run published. */
  @Test
  @EnabledIfSystemProperty(named = "dictionary.update", matches = ".+")
  void updateTypesFromARealRun() {
    Path file = Path.of(System.getProperty("dictionary.update"));
    OverwatchDeployment d = Deployments.load(file);
    if (!d.getSpec().storage.prefix.contains(":") && !Path.of(d.getSpec().storage.prefix).isAbsolute()) {
      d.getSpec().storage.prefix = Path.of("..").resolve(d.getSpec().storage.prefix).toAbsolutePath().normalize().toString();
    }
    SparkSession spark = SparkSessions.getOrCreate(d.getSpec());
    List<String> updated = new ArrayList<>();
    for (String view : DataDictionary.documentedViews()) {
      // Consumer views first; sensitive and engine views live in the ETL database.
      String db = spark.catalog().tableExists(d.getSpec().consumerDatabase, view) ? d.getSpec().consumerDatabase
          : d.getSpec().etlDatabase;
      if (spark.catalog().tableExists(db, view)) {
        DataDictionary.updateTypes(view, spark.table("`" + db + "`.`" + view + "`").schema());
        updated.add(view);
      }
    }
    System.out.println("data dictionary types updated from " + file + ": " + updated);
  }
}
