package dev.overwatch.operator;

import dev.overwatch.api.v1alpha1.CatalogSpec;
import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchRun;
import dev.overwatch.api.v1alpha1.ScheduleSpec;
import dev.overwatch.api.v1alpha1.WorkspaceSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The catalogue of invalid resources: each case names the condition reason it must produce and a
 * fragment its message must contain (the field or value at fault).
 */
final class InvalidResources {
  record DeploymentCase(String name, String reason, String names, Consumer<OverwatchDeployment> breakIt) {}

  record RunCase(String name, String reason, String names, Consumer<OverwatchRun> breakIt) {}

  private InvalidResources() {}

  static List<DeploymentCase> deployments() {
    return List.of(
        new DeploymentCase("no-workspaces", "InvalidWorkspaces", "at least one workspace", d -> d.getSpec().workspaces = new ArrayList<>()),
        new DeploymentCase("dup-workspaces", "InvalidWorkspaces", "'demo-ws' repeats", d -> d.getSpec().workspaces.add(workspace(d.getSpec().workspaces.get(0).name))),
        new DeploymentCase("bad-ws-name", "InvalidWorkspaces", "'Bad Name!'", d -> d.getSpec().workspaces.get(0).name = "Bad Name!"),
        new DeploymentCase("bad-ws-url", "InvalidWorkspaces", "url must start with https://", d -> d.getSpec().workspaces.get(0).url = "ftp://x"),
        new DeploymentCase("no-storage", "InvalidStorage", "storage.prefix is required", d -> d.getSpec().storage = null),
        new DeploymentCase("bad-scheme", "InvalidStorage", "'hdfs'", d -> d.getSpec().storage.prefix = "hdfs://namenode/overwatch"),
        new DeploymentCase("relative-prefix", "InvalidStorage", "'data/overwatch'", d -> d.getSpec().storage.prefix = "data/overwatch"),
        new DeploymentCase("volume-on-s3", "InvalidStorage", "storage.volume", d -> {
          d.getSpec().storage.prefix = "s3a://bucket/ow";
          d.getSpec().storage.volume = "pvc";
        }),
        new DeploymentCase("jdbc-without-settings", "InvalidCatalog", "catalog.jdbc", d -> d.getSpec().catalog.type = CatalogSpec.CatalogType.jdbc),
        new DeploymentCase("embedded-on-s3", "InvalidCatalog", "s3a://bucket/overwatch", d -> d.getSpec().storage.prefix = "s3a://bucket/overwatch"),
        new DeploymentCase("thrift-without-uri", "InvalidCatalog", "catalog.thriftUri", d -> d.getSpec().catalog.type = CatalogSpec.CatalogType.thrift),
        new DeploymentCase("negative-executors", "InvalidSpark", "spark.executors", d -> d.getSpec().spark.executors = -1),
        new DeploymentCase("reserved-conf", "InvalidSpark", "spark.master", d -> d.getSpec().spark.sparkConf.put("spark.master", "yarn")),
        new DeploymentCase("bad-memory", "InvalidSpark", "spark.driver.memory 'lots'", d -> d.getSpec().spark.driver.memory = "lots"),
        new DeploymentCase("unknown-scope", "InvalidScopes", "'telepathy'", d -> d.getSpec().scopes = List.of("audit", "telepathy")),
        new DeploymentCase("bad-timezone", "InvalidTimeZone", "'Mars/Olympus'", d -> d.getSpec().timeZone = "Mars/Olympus"),
        new DeploymentCase("bad-cron", "InvalidSchedule", "'61 * * * *'", d -> {
          d.getSpec().schedule = new ScheduleSpec();
          d.getSpec().schedule.cron = "61 * * * *";
        }),
        new DeploymentCase("bad-primordial", "InvalidPrimordialDate", "'2026-13-45'", d -> d.getSpec().primordialDate = "2026-13-45"),
        new DeploymentCase("same-databases", "InvalidDatabase", "must differ", d -> d.getSpec().consumerDatabase = d.getSpec().etlDatabase),
        new DeploymentCase("zero-days", "InvalidMaxDaysToLoad", "maxDaysToLoad", d -> d.getSpec().maxDaysToLoad = 0),
        // least privilege (SecurityRules)
        new DeploymentCase("token-collision", "TokenVariableCollision", "OVERWATCH_TOKEN_DEMO_WS", d -> d.getSpec().workspaces.add(workspace("demo_ws"))),
        new DeploymentCase("http-url", "InsecureUrl", "http://demo.cloud.databricks.com", d -> d.getSpec().workspaces.get(0).url = "http://demo.cloud.databricks.com"),
        new DeploymentCase("host-path-volume", "ForbiddenVolume", "volume 'host' has type hostPath", d -> d.getSpec().spark.podTemplate = template(
            new PodTemplateSpecBuilder().withNewSpec().addNewVolume().withName("host").withNewHostPath().withPath("/").endHostPath().endVolume().endSpec())),
        new DeploymentCase("nfs-volume", "ForbiddenVolume", "type nfs", d -> d.getSpec().spark.podTemplate = template(
            new PodTemplateSpecBuilder().withNewSpec().addNewVolume().withName("n").withNewNfs().withServer("nfs").withPath("/").endNfs().endVolume().endSpec())),
        new DeploymentCase("identity-conf", "ForbiddenSparkConf", "spark.kubernetes.authenticate.driver.serviceAccountName",
            d -> d.getSpec().spark.sparkConf.put("spark.kubernetes.authenticate.driver.serviceAccountName", "admin")),
        new DeploymentCase("secret-mount-conf", "ForbiddenSparkConf", "spark.kubernetes.executor.secrets.other",
            d -> d.getSpec().spark.sparkConf.put("spark.kubernetes.executor.secrets.other", "/mnt")),
        new DeploymentCase("host-path-conf", "ForbiddenSparkConf", "host and NFS volumes",
            d -> d.getSpec().spark.sparkConf.put("spark.kubernetes.executor.volumes.hostPath.h.mount.path", "/host")),
        new DeploymentCase("auth-secret-conf", "ForbiddenSparkConf", "spark.authenticate.secret",
            d -> d.getSpec().spark.sparkConf.put("spark.authenticate.secret", "guessable")),
        new DeploymentCase("credential-conf", "CredentialInSparkConf", "spark.hadoop.fs.s3a.secret.key",
            d -> d.getSpec().spark.sparkConf.put("spark.hadoop.fs.s3a.secret.key", "AKIA-not-here")),
        new DeploymentCase("azure-key-conf", "CredentialInSparkConf", "account.key",
            d -> d.getSpec().spark.sparkConf.put("spark.hadoop.fs.azure.account.key.acct.dfs.core.windows.net", "k")),
        new DeploymentCase("credential-value", "CredentialInSparkConf", "value of spark.hadoop.fs.s3a.bucket.b.endpoint",
            d -> d.getSpec().spark.sparkConf.put("spark.hadoop.fs.s3a.bucket.b.endpoint", "AKIAIOSFODNN7EXAMPLE")),
        new DeploymentCase("reserved-env", "ReservedEnv", "OVERWATCH_TOKEN_DEMO_WS", d -> d.getSpec().spark.podTemplate = template(
            new PodTemplateSpecBuilder().withNewSpec().addNewContainer().addNewEnv().withName("OVERWATCH_TOKEN_DEMO_WS").withValue("stolen")
                .endEnv().endContainer().endSpec())));
  }

  static List<RunCase> runs() {
    return List.of(
        new RunCase("unknown-layer", "InvalidLayers", "'platinum'", r -> r.getSpec().layers = List.of("platinum")),
        new RunCase("repeated-layer", "InvalidLayers", "'bronze' repeats", r -> r.getSpec().layers = List.of("bronze", "bronze")),
        new RunCase("bad-snapshot", "InvalidSnapshotTime", "'yesterday'", r -> r.getSpec().snapshotTime = "yesterday"),
        new RunCase("include-exclude", "InvalidModules", "both included and excluded", r -> {
          r.getSpec().includeModules = List.of(1004);
          r.getSpec().excludeModules = List.of(1004);
        }),
        new RunCase("no-deployment-ref", "InvalidSpec", "spec.deploymentRef.name", r -> r.getSpec().deploymentRef = null));
  }

  static WorkspaceSpec workspace(String name) {
    WorkspaceSpec w = new WorkspaceSpec();
    w.name = name;
    w.organizationId = "2";
    return w;
  }

  static PodTemplateSpec template(PodTemplateSpecBuilder b) {
    return b.build();
  }
}
