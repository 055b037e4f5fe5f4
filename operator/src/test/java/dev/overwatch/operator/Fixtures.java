package dev.overwatch.operator;

import dev.overwatch.api.v1alpha1.AuditLogsSpec;
import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchDeploymentSpec;
import dev.overwatch.api.v1alpha1.OverwatchRun;
import dev.overwatch.api.v1alpha1.OverwatchRunSpec;
import dev.overwatch.api.v1alpha1.OverwatchRunStatus;
import dev.overwatch.api.v1alpha1.SecretKeyRef;
import dev.overwatch.api.v1alpha1.StorageSpec;
import dev.overwatch.api.v1alpha1.WorkspaceSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;

/** Small valid resources that tests mutate into the case at hand. */
final class Fixtures {
  static final String NS = "test";

  private Fixtures() {}

  static OverwatchDeployment deployment(String name) {
    OverwatchDeployment d = new OverwatchDeployment();
    d.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    OverwatchDeploymentSpec s = new OverwatchDeploymentSpec();
    WorkspaceSpec w = new WorkspaceSpec();
    w.name = "demo-ws";
    w.organizationId = "1234567890";
    w.url = "https://demo.cloud.databricks.com";
    w.tokenSecretRef = new SecretKeyRef("demo-token", "token");
    w.auditLogs = new AuditLogsSpec();
    w.auditLogs.path = "/data/audit";
    s.workspaces = new ArrayList<>(List.of(w));
    s.storage = new StorageSpec();
    s.storage.prefix = "/data/overwatch";
    s.retry.backoffSeconds = 1;
    s.retry.maxAttempts = 2;
    d.setSpec(s);
    return d;
  }

  static OverwatchRun run(String name, String deployment, String... layers) {
    OverwatchRun r = new OverwatchRun();
    r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).withUid("uid-" + name)
        .withCreationTimestamp("2026-11-05T00:00:00Z").build());
    r.setSpec(new OverwatchRunSpec());
    r.getSpec().deploymentRef = new OverwatchRunSpec.DeploymentRef(deployment);
    r.getSpec().layers = new ArrayList<>(List.of(layers));
    return r;
  }

  static OverwatchRun startedRun(String name, String deployment) {
    OverwatchRun r = run(name, deployment);
    r.setStatus(new OverwatchRunStatus());
    r.getStatus().phase = "Running";
    r.getStatus().runId = "0123456789abcdef0123456789abcdef";
    r.getStatus().snapshotTime = "2026-11-05T00:00:00Z";
    return r;
  }
}
