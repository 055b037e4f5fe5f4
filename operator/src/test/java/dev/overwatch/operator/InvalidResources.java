package dev.overwatch.operator;

import dev.overwatch.api.v1alpha1.CatalogSpec;
import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchRun;
import dev.overwatch.api.v1alpha1.ScheduleSpec;
import dev.overwatch.api.v1alpha1.WorkspaceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The catalogue of invalid resources: each case names the condition reason it must produce. */
final class InvalidResources {
  record DeploymentCase(String name, String reason, Consumer<OverwatchDeployment> breakIt) {}

  record RunCase(String name, String reason, Consumer<OverwatchRun> breakIt) {}

  private InvalidResources() {}

  static List<DeploymentCase> deployments() {
    return List.of(
        new DeploymentCase("no-workspaces", "InvalidWorkspaces", d -> d.getSpec().workspaces = new ArrayList<>()),
        new DeploymentCase("dup-workspaces", "InvalidWorkspaces", d -> {
          WorkspaceSpec w = new WorkspaceSpec();
          w.name = d.getSpec().workspaces.get(0).name;
          w.organizationId = "2";
          d.getSpec().workspaces.add(w);
        }),
        new DeploymentCase("bad-ws-name", "InvalidWorkspaces", d -> d.getSpec().workspaces.get(0).name = "Bad Name!"),
        new DeploymentCase("bad-ws-url", "InvalidWorkspaces", d -> d.getSpec().workspaces.get(0).url = "ftp://x"),
        new DeploymentCase("no-storage", "InvalidStorage", d -> d.getSpec().storage = null),
        new DeploymentCase("bad-scheme", "InvalidStorage", d -> d.getSpec().storage.prefix = "hdfs://namenode/overwatch"),
        new DeploymentCase("relative-prefix", "InvalidStorage", d -> d.getSpec().storage.prefix = "data/overwatch"),
        new DeploymentCase("volume-on-s3", "InvalidStorage", d -> {
          d.getSpec().storage.prefix = "s3a://bucket/ow";
          d.getSpec().storage.volume = "pvc";
        }),
        new DeploymentCase("jdbc-without-settings", "InvalidCatalog", d -> d.getSpec().catalog.type = CatalogSpec.CatalogType.jdbc),
        new DeploymentCase("embedded-on-s3", "InvalidCatalog", d -> d.getSpec().storage.prefix = "s3a://bucket/overwatch"),
        new DeploymentCase("thrift-without-uri", "InvalidCatalog", d -> d.getSpec().catalog.type = CatalogSpec.CatalogType.thrift),
        new DeploymentCase("negative-executors", "InvalidSpark", d -> d.getSpec().spark.executors = -1),
        new DeploymentCase("reserved-conf", "InvalidSpark", d -> d.getSpec().spark.sparkConf.put("spark.master", "yarn")),
        new DeploymentCase("bad-memory", "InvalidSpark", d -> d.getSpec().spark.driver.memory = "lots"),
        new DeploymentCase("unknown-scope", "InvalidScopes", d -> d.getSpec().scopes = List.of("audit", "telepathy")),
        new DeploymentCase("bad-timezone", "InvalidTimeZone", d -> d.getSpec().timeZone = "Mars/Olympus"),
        new DeploymentCase("bad-cron", "InvalidSchedule", d -> {
          d.getSpec().schedule = new ScheduleSpec();
          d.getSpec().schedule.cron = "61 * * * *";
        }),
        new DeploymentCase("bad-primordial", "InvalidPrimordialDate", d -> d.getSpec().primordialDate = "2026-13-45"),
        new DeploymentCase("same-databases", "InvalidDatabase", d -> d.getSpec().consumerDatabase = d.getSpec().etlDatabase),
        new DeploymentCase("zero-days", "InvalidMaxDaysToLoad", d -> d.getSpec().maxDaysToLoad = 0));
  }

  static List<RunCase> runs() {
    return List.of(
        new RunCase("unknown-layer", "InvalidLayers", r -> r.getSpec().layers = List.of("platinum")),
        new RunCase("repeated-layer", "InvalidLayers", r -> r.getSpec().layers = List.of("bronze", "bronze")),
        new RunCase("bad-snapshot", "InvalidSnapshotTime", r -> r.getSpec().snapshotTime = "yesterday"),
        new RunCase("include-exclude", "InvalidModules", r -> {
          r.getSpec().includeModules = List.of(1004);
          r.getSpec().excludeModules = List.of(1004);
        }),
        new RunCase("no-deployment-ref", "InvalidSpec", r -> r.getSpec().deploymentRef = null));
  }
}
