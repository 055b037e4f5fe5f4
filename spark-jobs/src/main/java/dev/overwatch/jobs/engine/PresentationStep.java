package dev.overwatch.jobs.engine;

import dev.overwatch.jobs.engine.ModuleResult.Outcome;
import dev.overwatch.jobs.prices.PriceTables;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the consumer views. It runs after the gold layer has committed, and each view is
 * replaced in a single CREATE OR REPLACE VIEW so readers never see a half-published state.
 */
final class PresentationStep {
  private static final Logger LOG = LoggerFactory.getLogger(PresentationStep.class);

  private final SparkSession spark;
  private final Pipeline.Databases databases;
  private final ModuleRegistry registry;

  PresentationStep(SparkSession spark, Pipeline.Databases databases, ModuleRegistry registry) {
    this.spark = spark;
    this.databases = databases;
    this.registry = registry;
  }

  List<ModuleResult> publish(RunSettings settings, Consumer<ModuleResult> progress) {
    TableStore store = databases.store(spark);
    List<ModuleResult> results = new ArrayList<>();
    for (Module module : registry.modules()) {
      if (module.view().isEmpty() || !settings.selects(module.spec().id())) {
        continue;
      }
      ModuleResult result = publish(module.spec().id(), module.view().get(), store);
      results.add(result);
      progress.accept(result);
    }
    // Reference views (presentation.md 2 rows 20-21): in the consumer database only when it is another
    // database, else a view would shadow the table of the same name.
    if (!databases.consumer().equalsIgnoreCase(databases.etl())) {
      for (ConsumerView view : PriceTables.views()) {
        ModuleResult result = publish(0, view, store);
        results.add(result);
        progress.accept(result);
      }
    }
    return results;
  }

  private ModuleResult publish(int moduleId, ConsumerView view, TableStore store) {
    if (!store.exists(view.source())) {
      return result(moduleId, view, Outcome.EMPTY, "source table " + view.source().name() + " does not exist yet");
    }
    try {
      store.register(view.source());
      // A view may only reference gold columns that a committed write created (presentation.md 7.3).
      java.util.Set<String> present = new java.util.HashSet<>();
      for (String f : spark.read().format("delta").load(store.path(view.source())).schema().fieldNames()) {
        present.add(f.toLowerCase(java.util.Locale.ROOT));
      }
      List<String> missing = view.goldColumns().stream()
          .filter(c -> !present.contains(c.toLowerCase(java.util.Locale.ROOT))).toList();
      if (!missing.isEmpty()) {
        throw new IllegalStateException("view " + view.name() + " references gold columns missing from "
            + view.source().name() + ": " + missing + "; the previous view is kept");
      }
      spark.sql("CREATE OR REPLACE VIEW `" + databases.consumer() + "`.`" + view.name() + "` AS SELECT "
          + String.join(", ", view.selectList()) + " FROM " + store.qualifiedName(view.source()));
      return result(moduleId, view, Outcome.SUCCESS, "");
    } catch (RuntimeException e) {
      LOG.error("Publishing view {} failed", view.name(), e);
      return result(moduleId, view, Outcome.FAILED, String.valueOf(e.getMessage()));
    }
  }

  private static ModuleResult result(int moduleId, ConsumerView view, Outcome outcome, String message) {
    return new ModuleResult("*", "*", moduleId, "view " + view.name(), Layer.PRESENTATION, outcome, 0, 0,
        0, 0, message);
  }
}
