package dev.overwatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One Overwatch deployment: which workspaces to ingest, where to store, how to run. */
@JsonClassDescription("An Overwatch deployment: which Databricks workspaces (or Spark event log folders) to ingest, where the Delta tables live, which catalog registers them, how each layer's Spark driver runs, and an optional schedule that creates OverwatchRuns. The operator validates it (condition Ready) and provisions the driver pods' ServiceAccount and Role.")
@Group(OverwatchDeployment.GROUP)
@Version(OverwatchDeployment.VERSION)
@ShortNames("owd")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Last Run", jsonPath = ".status.lastRun", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Next Run", jsonPath = ".status.nextRun", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class OverwatchDeployment extends CustomResource<OverwatchDeploymentSpec, OverwatchDeploymentStatus>
    implements Namespaced {
  public static final String GROUP = "overwatch.dev";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;
  public static final String KIND = "OverwatchDeployment";

  @Override
  @JsonPropertyDescription("Desired state: workspaces, storage, catalog, Spark settings, schedule, history and retry policy. Runs freeze a copy of it when they start.")
  public OverwatchDeploymentSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("Observed state, written by the operator: conditions Ready and Scheduled, last/active/next run, missed schedules and the last successful window per layer.")
  public OverwatchDeploymentStatus getStatus() {
    return super.getStatus();
  }
}
