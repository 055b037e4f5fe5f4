package dev.overwatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Retry policy of a failed layer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RetrySpec {
  @Default("3")
  @Min(1)
  @Max(20)
  @JsonPropertyDescription("Attempts per layer, the first included.")
  public Integer maxAttempts = 3;

  @Default("30")
  @Min(0)
  @Max(86400)
  @JsonPropertyDescription("Backoff before the second attempt, doubled for each further attempt.")
  public Integer backoffSeconds = 30;

  @Min(1)
  @JsonPropertyDescription("Time limit of one layer attempt, in seconds (absent: none).")
  public Integer layerTimeoutSeconds;

  @Default("300")
  @Min(1)
  @Max(86400)
  @JsonPropertyDescription("Time a driver pod may take to start running (image pull, scheduling, container creation), in seconds. A pod still waiting at the deadline is deleted and the attempt fails with the waiting reason (ImagePullBackOff, Unschedulable, ...).")
  public Integer startDeadlineSeconds = 300;
}
