package dev.overwatch.jobs;

import dev.overwatch.jobs.bronze.AuditLogBronze;
import dev.overwatch.jobs.bronze.SparkEventsBronze;
import dev.overwatch.jobs.engine.ModuleRegistry;
import java.util.List;

/** Every module of the pipeline, in canonical order (pipeline.md 9.3): layers, then scopes, then module order. */
public final class Modules {
  private Modules() {}

  public static ModuleRegistry all() {
    return new ModuleRegistry(List.of(
        // bronze: audit, accounts, pools, clusters, clusterEvents, sparkEvents, jobs, dbsql
        new AuditLogBronze(),
        new SparkEventsBronze()));
  }
}
