package dev.overwatch.jobs.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.SecretKeyRef;
import dev.overwatch.api.v1alpha1.WorkspaceSpec;
import dev.overwatch.jobs.TestSpark;
import dev.overwatch.jobs.config.Redaction;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 9 defect 9: secret values in sparkConf never reach pipeline_report.inputConfig (no Spark needed). */
class RedactionTest {
  @Test
  void secretKeysAreRedactedAndEverythingElseKept() {
    for (String key : List.of("spark.hadoop.fs.azure.account.key.acct.dfs.core.windows.net", "spark.hadoop.fs.s3a.secret.key",
        "spark.hadoop.fs.s3a.access.key", "spark.hadoop.fs.azure.sas.c.acct.blob.core.windows.net",
        "spark.hadoop.javax.jdo.option.ConnectionPassword", "spark.hadoop.fs.azure.account.oauth2.client.secret",
        "spark.hadoop.fs.gs.auth.service.account.private.key", "spark.hadoop.fs.s3a.session.token", "spark.databricks.token")) {
      assertTrue(Redaction.isSecretKey(key), key);
    }
    for (String key : List.of("spark.sql.shuffle.partitions", "spark.hadoop.fs.s3a.endpoint", "spark.master",
        "spark.hadoop.fs.azure.account.auth.type", "spark.sql.session.timeZone", "spark.hadoop.hadoop.security.authentication")) {
      assertFalse(Redaction.isSecretKey(key), key);
    }

    OverwatchDeployment d = TestSpark.deployment(Path.of("/tmp/x"), "etl");
    d.getSpec().spark.sparkConf.put("spark.hadoop.fs.azure.account.key.acct.dfs.core.windows.net", "S3CR3T-ACCOUNT-KEY==");
    d.getSpec().spark.sparkConf.put("spark.hadoop.javax.jdo.option.ConnectionPassword", "hunter2");
    d.getSpec().spark.sparkConf.put("spark.sql.shuffle.partitions", "4");
    WorkspaceSpec ws = new WorkspaceSpec();
    ws.name = "demo";
    ws.organizationId = "42";
    ws.tokenSecretRef = new SecretKeyRef("databricks-token", "token");
    d.getSpec().workspaces = List.of(ws);
    RunSettings settings = new RunSettings(d, "r", Instant.EPOCH, List.of(Layer.BRONZE), Set.of(), Set.of(), Set.of(),
        FaultInjection.none());
    String json = new WorkspaceRun(settings, WorkspaceConfig.of(d.getSpec(), ws), null, null, new ModuleRegistry(List.of()),
        "/tmp", null).inputConfig();
    assertFalse(json.contains("S3CR3T") || json.contains("hunter2"), json);
    assertTrue(json.contains("\"spark.hadoop.fs.azure.account.key.acct.dfs.core.windows.net\":\"" + Redaction.REDACTED + "\""), json);
    assertTrue(json.contains("\"spark.sql.shuffle.partitions\":\"4\""), json);
    assertTrue(json.contains("\"name\":\"databricks-token\""), "secret references stay visible: " + json);
    assertEquals(Map.of("a.password", Redaction.REDACTED, "b", "1"), Redaction.redact(Map.of("a.password", "x", "b", "1")));

    // The documented way: reference an environment variable (filled from a Secret); the value never sits in the spec.
    d.getSpec().spark.sparkConf.put("spark.hadoop.fs.azure.account.key.acct.dfs.core.windows.net", "${env.AZ_KEY}");
    var conf = SparkSessions.conf(d.getSpec(), Map.of("AZ_KEY", "from-secret"));
    assertEquals("from-secret", conf.get("spark.hadoop.fs.azure.account.key.acct.dfs.core.windows.net"));
    assertEquals(Redaction.SECRET_KEY.pattern(), conf.get("spark.redaction.regex"), "Spark's own redaction uses the list");
    var missing = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> SparkSessions.conf(d.getSpec(), Map.of()));
    assertTrue(missing.getMessage().contains("AZ_KEY"), missing.getMessage());
  }
}
