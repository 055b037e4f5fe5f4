package dev.overwatch.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One execution of the pipeline against a deployment. */
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
}
