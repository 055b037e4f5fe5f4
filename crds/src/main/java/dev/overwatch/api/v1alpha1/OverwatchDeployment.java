package dev.overwatch.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One Overwatch deployment: which workspaces to ingest, where to store, how to run. */
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
}
