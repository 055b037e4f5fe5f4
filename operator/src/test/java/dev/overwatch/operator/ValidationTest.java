package dev.overwatch.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchRun;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidationTest {
  @Test
  void validFixturesPass() {
    assertEquals(List.of(), Validation.deployment(Fixtures.deployment("d").getSpec()));
    assertEquals(List.of(), Validation.run(Fixtures.run("r", "d", "bronze").getSpec()));
  }

  /** Each broken deployment fails with its own reason, and the message names what is at fault. */
  @Test
  void everyInvalidDeploymentKindIsNamed() {
    for (InvalidResources.DeploymentCase c : InvalidResources.deployments()) {
      OverwatchDeployment d = Fixtures.deployment(c.name());
      c.breakIt().accept(d);
      List<Problem> problems = Validation.deployment(d.getSpec());
      assertEquals(c.reason(), problems.isEmpty() ? "no problem" : problems.get(0).reason(), c.name() + " -> " + problems);
      assertTrue(problems.get(0).message().contains(c.names()), c.name() + ": '" + problems.get(0).message() + "' does not name " + c.names());
    }
  }

  @Test
  void everyInvalidRunKindIsNamed() {
    for (InvalidResources.RunCase c : InvalidResources.runs()) {
      OverwatchRun r = Fixtures.run(c.name(), "d");
      c.breakIt().accept(r);
      List<Problem> problems = Validation.run(r.getSpec());
      assertEquals(c.reason(), problems.isEmpty() ? "no problem" : problems.get(0).reason(), c.name() + " -> " + problems);
      assertTrue(problems.get(0).message().contains(c.names()), c.name() + ": '" + problems.get(0).message() + "' does not name " + c.names());
    }
  }

  /** The operator's switches open exactly what they name; credential provider classes are not credentials. */
  @Test
  void securityPolicySwitchesAndNearMisses() {
    OverwatchDeployment host = Fixtures.deployment("h");
    InvalidResources.deployments().stream().filter(c -> c.name().equals("host-path-volume")).findFirst().orElseThrow().breakIt().accept(host);
    host.getSpec().spark.sparkConf.put("spark.kubernetes.driver.volumes.hostPath.h.mount.path", "/host");
    assertEquals(List.of(), Validation.deployment(host.getSpec(), new SecurityRules.Policy(true, false)));
    assertEquals(2, Validation.deployment(host.getSpec(), SecurityRules.Policy.DEFAULT).size());

    OverwatchDeployment http = Fixtures.deployment("u");
    http.getSpec().workspaces.get(0).url = "http://replay.local:8080";
    assertEquals(List.of(), Validation.deployment(http.getSpec(), new SecurityRules.Policy(false, true)));

    OverwatchDeployment leak = Fixtures.deployment("leak");
    leak.getSpec().spark.sparkConf.put("spark.driver.extraJavaOptions", "-Dtoken=dapi0123456789abcdef0123456789abcdef");
    String message = Validation.message(Validation.deployment(leak.getSpec()));
    assertTrue(message.contains("spark.driver.extraJavaOptions") && !message.contains("dapi0123"), "names the key, never the value: " + message);

    OverwatchDeployment ok = Fixtures.deployment("ok");
    ok.getSpec().spark.sparkConf.put("spark.hadoop.fs.s3a.aws.credentials.provider", "com.amazonaws.auth.EnvironmentVariableCredentialsProvider");
    ok.getSpec().spark.sparkConf.put("spark.hadoop.fs.azure.sas.token.provider.type", "org.example.SasProvider");
    ok.getSpec().spark.sparkConf.put("spark.sql.shuffle.partitions", "8");
    ok.getSpec().spark.sparkConf.put("spark.kubernetes.executor.volumes.persistentVolumeClaim.data.mount.path", "/data");
    ok.getSpec().workspaces.add(InvalidResources.workspace("other-ws"));
    assertEquals(List.of(), Validation.deployment(ok.getSpec()));
  }

  @Test
  void layersRunInPromotionOrder() {
    assertEquals(List.of("bronze", "gold"), Validation.layers(Fixtures.run("r", "d", "gold", "bronze").getSpec()));
    assertEquals(OverwatchRun.LAYERS, Validation.layers(Fixtures.run("r", "d").getSpec()));
  }
}
