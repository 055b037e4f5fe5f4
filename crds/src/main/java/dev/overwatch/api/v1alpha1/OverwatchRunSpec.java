package dev.overwatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

/** What one run executes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OverwatchRunSpec {
  @Required
  @JsonPropertyDescription("The OverwatchDeployment (same namespace) this run executes.")
  public DeploymentRef deploymentRef;

  @JsonPropertyDescription("Layers to run, in order (bronze, silver, gold, presentation). Empty means all four.")
  public List<String> layers = new ArrayList<>();

  @JsonPropertyDescription("Module ids to run; empty means every module of the deployment's scopes.")
  public List<Integer> includeModules = new ArrayList<>();

  @JsonPropertyDescription("Module ids to skip.")
  public List<Integer> excludeModules = new ArrayList<>();

  @JsonPropertyDescription("Upper bound of every module window (RFC 3339). Absent: the time the run starts.")
  public String snapshotTime;

  @JsonPropertyDescription("Retry policy override for this run.")
  public RetrySpec retry;

  @Default("false")
  @JsonPropertyDescription("Set to true to cancel the run; running driver pods are deleted.")
  public Boolean cancel = false;

  /** Reference to a deployment by name. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class DeploymentRef {
    @Required
    @JsonPropertyDescription("Name of the OverwatchDeployment.")
    public String name;

    public DeploymentRef() {}

    public DeploymentRef(String name) {
      this.name = name;
    }
  }
}
