package dev.overwatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

/** When the pipeline compacts (OPTIMIZE, z-ordered where the spec says) and vacuums its Delta tables. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MaintenanceSpec {
  @Min(1)
  @JsonPropertyDescription("OPTIMIZE and VACUUM a table at the end of a run once this many runs have passed since its last maintenance. Absent: not by run count.")
  public Integer everyRuns;

  @Min(1)
  @JsonPropertyDescription("OPTIMIZE and VACUUM a table at the end of a run once this many days have passed since its last maintenance. Absent: not by age. With neither field set, tables are maintained only by 'overwatch maintain'.")
  public Integer everyDays;

  @Default("168")
  @Min(0)
  @JsonPropertyDescription("VACUUM keeps files that a table version of the last retainHours hours still reads (time travel, rollback of a failed run). Below 168 readers of older versions may fail.")
  public Integer retainHours = 168;
}
