package dev.overwatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * What one run executes. Everything but {@code cancel} is immutable once created: a run is a record
 * of what was executed, so changing it afterwards would make its status lie.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.deploymentRef == oldSelf.deploymentRef"
    + " && (has(self.layers) ? self.layers : []) == (has(oldSelf.layers) ? oldSelf.layers : [])"
    + " && (has(self.includeModules) ? self.includeModules : []) == (has(oldSelf.includeModules) ? oldSelf.includeModules : [])"
    + " && (has(self.excludeModules) ? self.excludeModules : []) == (has(oldSelf.excludeModules) ? oldSelf.excludeModules : [])"
    + " && has(self.snapshotTime) == has(oldSelf.snapshotTime) && (!has(self.snapshotTime) || self.snapshotTime == oldSelf.snapshotTime)"
    + " && has(self.retry) == has(oldSelf.retry) && (!has(self.retry) || self.retry == oldSelf.retry)"
    + " && has(self.resumeFrom) == has(oldSelf.resumeFrom) && (!has(self.resumeFrom) || self.resumeFrom == oldSelf.resumeFrom)",
    message = "a run's spec is immutable once created (only cancel may change); create a new OverwatchRun instead",
    reason = "FieldValueForbidden")
@ValidationRule(value = "!(has(oldSelf.cancel) && oldSelf.cancel) || (has(self.cancel) && self.cancel)",
    message = "cancel cannot be reverted once set", reason = "FieldValueForbidden")
@ValidationRule(value = "!has(self.includeModules) || !has(self.excludeModules) || self.includeModules.all(m, !(m in self.excludeModules))",
    message = "a module id cannot be both included and excluded")
public class OverwatchRunSpec {
  @Required
  @JsonPropertyDescription("The OverwatchDeployment (same namespace) this run executes.")
  public DeploymentRef deploymentRef;

  @Size(max = 4)
  @ValidationRule(value = "self.all(l, l in ['bronze', 'silver', 'gold', 'presentation'])",
      message = "layers must be among bronze, silver, gold, presentation", reason = "FieldValueNotSupported")
  @ValidationRule(value = "self.all(l, self.exists_one(x, x == l))", message = "layers must not repeat",
      reason = "FieldValueDuplicate")
  @JsonPropertyDescription("Layers to run, among bronze, silver, gold, presentation; they always execute in promotion order. Empty means all four.")
  public List<String> layers = new ArrayList<>();

  @Size(max = 200)
  @JsonPropertyDescription("Module ids to run; empty means every module of the deployment's scopes.")
  public List<Integer> includeModules = new ArrayList<>();

  @Size(max = 200)
  @JsonPropertyDescription("Module ids to skip.")
  public List<Integer> excludeModules = new ArrayList<>();

  @Pattern("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$")
  @JsonPropertyDescription("Upper bound of every module window (RFC 3339). Absent: the time the run starts.")
  public String snapshotTime;

  @JsonPropertyDescription("Retry policy override for this run (absent: the deployment's retry policy).")
  public RetrySpec retry;

  @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
  @JsonPropertyDescription("Name of a Failed or Cancelled OverwatchRun (same namespace, same deployment) to resume: this run takes over its runId and snapshotTime, and its layers that already Succeeded are not run again.")
  public String resumeFrom;

  @Default("false")
  @JsonPropertyDescription("Set to true to cancel the run; running driver pods are deleted. Cannot be reverted.")
  public Boolean cancel = false;

  /** Reference to a deployment by name. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class DeploymentRef {
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
    @JsonPropertyDescription("Name of the OverwatchDeployment in the run's namespace.")
    public String name;

    public DeploymentRef() {}

    public DeploymentRef(String name) {
      this.name = name;
    }
  }
}
