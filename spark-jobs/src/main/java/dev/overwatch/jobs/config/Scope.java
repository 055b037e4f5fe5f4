package dev.overwatch.jobs.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Feature groups that switch modules on across layers, in the canonical execution order. */
public enum Scope {
  AUDIT("audit"),
  NOTEBOOKS("notebooks"),
  ACCOUNTS("accounts"),
  POOLS("pools"),
  CLUSTERS("clusters"),
  CLUSTER_EVENTS("clusterEvents"),
  SPARK_EVENTS("sparkEvents"),
  JOBS("jobs"),
  DBSQL("dbsql"),
  WAREHOUSE_EVENTS("warehouseEvents"),
  NOTEBOOK_COMMANDS("notebookCommands");

  private final String configName;

  Scope(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  /** Case-insensitive lookup of a configured scope name. */
  public static Optional<Scope> parse(String name) {
    return Arrays.stream(values())
        .filter(s -> s.configName.toLowerCase(Locale.ROOT).equals(name.trim().toLowerCase(Locale.ROOT)))
        .findFirst();
  }
}
