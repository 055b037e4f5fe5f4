package dev.overwatch.operator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.OverwatchRun;
import dev.overwatch.api.v1alpha1.OverwatchRunStatus;
import dev.overwatch.api.v1alpha1.OverwatchRunStatus.LayerStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

/** Which run updates wake the deployment (decision 1001): only what its status is made of. */
class DeploymentWakeTest {
  @Test
  void onlyPhaseSucceededLayersAndDeletionWakeTheDeployment() {
    OverwatchRun running = run("Running", "Running", "Pending");
    // a layer's pod, message or attempt changing: nothing the deployment shows
    OverwatchRun progressed = copy(running);
    progressed.getStatus().layers.get(0).message = "driver pod running";
    progressed.getStatus().layers.get(0).attempts = 2;
    assertFalse(DeploymentReconciler.bookkeepingChanged(progressed, running));
    // a layer succeeded (lastSuccessfulWindow), the run's phase changed (activeRun, history), deleted
    assertTrue(DeploymentReconciler.bookkeepingChanged(run("Running", "Succeeded", "Running"), running));
    assertTrue(DeploymentReconciler.bookkeepingChanged(run("Failed", "Running", "Pending"), running));
    OverwatchRun deleting = copy(running);
    deleting.getMetadata().setDeletionTimestamp("2026-11-28T09:00:00Z");
    assertTrue(DeploymentReconciler.bookkeepingChanged(deleting, running));
    // the first status write of a new run (none -> Pending) wakes it: lastRun
    assertTrue(DeploymentReconciler.bookkeepingChanged(run("Pending"), Fixtures.run("r", "d")));
  }

  private static OverwatchRun run(String phase, String... layerPhases) {
    OverwatchRun r = Fixtures.run("r", "d");
    r.setStatus(new OverwatchRunStatus());
    r.getStatus().phase = phase;
    r.getStatus().layers = new java.util.ArrayList<>();
    String[] names = {"bronze", "silver", "gold", "presentation"};
    for (int i = 0; i < layerPhases.length; i++) {
      LayerStatus l = new LayerStatus();
      l.name = names[i];
      l.phase = layerPhases[i];
      r.getStatus().layers.add(l);
    }
    return r;
  }

  private static OverwatchRun copy(OverwatchRun r) {
    return Serialization.clone(r);
  }
}
