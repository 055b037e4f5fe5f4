package dev.overwatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One execution of the pipeline against a deployment. */
@JsonClassDescription("One execution of the Overwatch pipeline against an OverwatchDeployment of the same namespace: the operator runs each requested layer (bronze, silver, gold, presentation) in a Spark driver pod, retries failed layers, and reports phase, per-layer progress and per-module outcomes. `kubectl wait --for=condition=Succeeded owr/NAME` waits for it.")
@Group(OverwatchDeployment.GROUP)
@Version(OverwatchDeployment.VERSION)
@ShortNames("owr")
@AdditionalPrinterColumn(name = "Deployment", jsonPath = ".spec.deploymentRef.name", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Layer", jsonPath = ".status.currentLayer", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Run ID", jsonPath = ".status.runId", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class OverwatchRun extends CustomResource<OverwatchRunSpec, OverwatchRunStatus> implements Namespaced {
  public static final String KIND = "OverwatchRun";
  /** The layers of the pipeline, in promotion order. */
  public static final java.util.List<String> LAYERS = java.util.List.of("bronze", "silver", "gold", "presentation");

  @Override
  @JsonPropertyDescription("What to run: the deployment, the layers, module filters, snapshot time, retry policy, a run to resume, and cancel. Immutable once created, except cancel.")
  public OverwatchRunSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("Observed state, written by the operator: phase, runId, snapshot time, one entry per layer (phase, pod, attempts, reason), the per-module summary and conditions Succeeded, Failed, Cancelled, Running.")
  public OverwatchRunStatus getStatus() {
    return super.getStatus();
  }
}
