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

  @Test
  void everyInvalidDeploymentKindIsNamed() {
    assertTrue(InvalidResources.deployments().size() + InvalidResources.runs().size() >= 15);
    for (InvalidResources.DeploymentCase c : InvalidResources.deployments()) {
      OverwatchDeployment d = Fixtures.deployment(c.name());
      c.breakIt().accept(d);
      List<Problem> problems = Validation.deployment(d.getSpec());
      assertTrue(!problems.isEmpty() && problems.get(0).reason().equals(c.reason()), c.name() + " -> " + problems);
      assertTrue(!problems.get(0).message().isBlank());
    }
  }

  @Test
  void everyInvalidRunKindIsNamed() {
    for (InvalidResources.RunCase c : InvalidResources.runs()) {
      OverwatchRun r = Fixtures.run(c.name(), "d");
      c.breakIt().accept(r);
      List<Problem> problems = Validation.run(r.getSpec());
      assertTrue(!problems.isEmpty() && problems.get(0).reason().equals(c.reason()), c.name() + " -> " + problems);
    }
  }

  @Test
  void layersRunInPromotionOrder() {
    assertEquals(List.of("bronze", "gold"), Validation.layers(Fixtures.run("r", "d", "gold", "bronze").getSpec()));
    assertEquals(OverwatchRun.LAYERS, Validation.layers(Fixtures.run("r", "d").getSpec()));
  }
}
