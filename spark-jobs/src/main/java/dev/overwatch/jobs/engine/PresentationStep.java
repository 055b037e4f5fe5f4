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
 * replaced in a single CREATE OR REPLACE VIEW so readers never see a half-published state; a view the catalog
 * already holds unchanged is left alone ({@link CatalogViews}).
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
    PipelineReport report = new PipelineReport(store);
    String allowList = allowList(settings.deployment().getSpec().viewWorkspaceAllowList);
    List<String> sensitiveInConsumer = settings.deployment().getSpec().publishSensitiveViews == null ? List.of()
        : settings.deployment().getSpec().publishSensitiveViews;
    List<ModuleResult> results = new ArrayList<>();
    List<String> names = new ArrayList<>();
    registry.modules().forEach(m -> m.view().ifPresent(v -> names.add(v.name())));
    PriceTables.views().forEach(v -> names.add(v.name()));
    // The views as the catalog holds them: one listing per database, so unchanged views cost no catalog write.
    CatalogViews views = new CatalogViews(spark);
    views.load(databases.consumer(), names);
    if (!databases.etl().equalsIgnoreCase(databases.consumer())) {
      views.load(databases.etl(), names);
    }
    for (Module module : registry.modules()) {
      if (module.view().isEmpty() || !settings.selects(module.spec().id())) {
        continue;
      }
      ModuleResult result = publish(module.spec().id(), module.view().get(), store, allowList, views,
          sensitiveInConsumer);
      if (result.failed() && store.exists(PipelineReport.TABLE)) {
        // Visible failure (presentation.md 7.7): the data write keeps its status, the report row gets the error.
        try {
          report.recordPublicationError(module.spec().id(), settings.runId(), result.message());
        } catch (RuntimeException e) {
          LOG.error("Could not record the failed publication of view {} in pipeline_report", module.view().get().name(), e);
        }
      }
      results.add(result);
      progress.accept(result);
    }
    // Reference views (presentation.md 2 rows 20-21): in the consumer database only when it is another
    // database, else a view would shadow the table of the same name.
    if (!databases.consumer().equalsIgnoreCase(databases.etl())) {
      for (ConsumerView view : PriceTables.views()) {
        ModuleResult result = publish(0, view, store, allowList, views, List.of());
        results.add(result);
        progress.accept(result);
      }
    }
    return results;
  }

  /**
   * The WHERE clause of every view for the workspace allow-list (presentation.md 7.11), or "" without one. The
   * ids are checked again here, as they become SQL literals.
   */
  static String allowList(List<String> organizationIds) {
    if (organizationIds == null || organizationIds.isEmpty()) {
      return "";
    }
    for (String id : organizationIds) {
      if (id == null || !id.matches("[A-Za-z0-9_-]+")) {
        throw new IllegalArgumentException("spec.viewWorkspaceAllowList: not an organization id: '" + id + "'");
      }
    }
    return " WHERE `organization_id` IN (" + String.join(", ", organizationIds.stream().map(id -> "'" + id + "'")
        .toList()) + ")";
  }

  private ModuleResult publish(int moduleId, ConsumerView view, TableStore store, String allowList,
      CatalogViews views, List<String> sensitiveInConsumer) {
    if (!store.exists(view.source())) {
      return result(moduleId, view, Outcome.EMPTY, "source table " + view.source().name() + " does not exist yet");
    }
    try {
      store.register(view.source());
      // A view may only reference gold columns that a committed write created (presentation.md 7.3).
      java.util.Set<String> present = new java.util.HashSet<>();
      org.apache.spark.sql.types.StructType sourceSchema =
          spark.read().format("delta").load(store.path(view.source())).schema();
      for (String f : sourceSchema.fieldNames()) {
        present.add(f.toLowerCase(java.util.Locale.ROOT));
      }
      List<String> missing = view.goldColumns().stream()
          .filter(c -> !present.contains(c.toLowerCase(java.util.Locale.ROOT))).toList();
      if (!missing.isEmpty()) {
        throw new IllegalStateException("view " + view.name() + " references gold columns missing from "
            + view.source().name() + ": " + missing + "; the previous view is kept");
      }
      // Sensitive views (accountlogin, accountmod) stay in the ETL database (presentation.md 7.8); with
      // spec.publishSensitiveViews also in the consumer database, and dropped from there without it.
      String database = view.etlOnly() ? databases.etl() : databases.consumer();
      String query = "SELECT " + String.join(", ", view.selectList()) + " FROM " + store.qualifiedName(view.source())
          + allowList;
      boolean created = views.publish(database, view.name(), query, sourceSchema);
      if (view.etlOnly() && !databases.consumer().equalsIgnoreCase(databases.etl())) {
        if (sensitiveInConsumer.contains(view.name())) {
          created |= views.publish(databases.consumer(), view.name(), query, sourceSchema);
        } else {
          views.drop(databases.consumer(), view.name());
        }
      }
      return result(moduleId, view, Outcome.SUCCESS, created ? "" : "unchanged");
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
