package dev.overwatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Run history limits. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HistorySpec {
  @Default("3")
  @Min(0)
  @Max(100)
  @JsonPropertyDescription("Succeeded runs kept.")
  public Integer successfulRunsLimit = 3;

  @Default("3")
  @Min(0)
  @Max(100)
  @JsonPropertyDescription("Failed or cancelled runs kept.")
  public Integer failedRunsLimit = 3;

  @Min(0)
  @JsonPropertyDescription("Finished runs (and, through owner references, their pods, ConfigMaps and Secrets) are deleted this many seconds after completion, whatever the limits above. Absent: kept until the limits prune them.")
  public Long ttlSecondsAfterFinished;
}
