package dev.overwatch.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One execution of the pipeline against a deployment. */
@Group(OverwatchDeployment.GROUP)
@Version(OverwatchDeployment.VERSION)
@ShortNames("owr")
public class OverwatchRun extends CustomResource<OverwatchRunSpec, OverwatchRunStatus> implements Namespaced {
  public static final String KIND = "OverwatchRun";
}
