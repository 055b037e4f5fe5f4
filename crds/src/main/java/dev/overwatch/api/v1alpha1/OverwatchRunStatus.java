package dev.overwatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Observed state of a run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OverwatchRunStatus {
  @JsonPropertyDescription("Pending, Running, Succeeded, Failed or Cancelled.")
  public String phase;

  @JsonPropertyDescription("Overwatch_RunID written with every row of this run.")
  public String runId;

  @JsonPropertyDescription("Upper bound of every module window (RFC 3339).")
  public String snapshotTime;

  @JsonPropertyDescription("One entry per layer.")
  public List<LayerStatus> layers = new ArrayList<>();

  @JsonPropertyDescription("Per-module outcome copied from the driver pods' termination messages (bounded).")
  public List<ModuleSummary> modules = new ArrayList<>();

  @JsonPropertyDescription("Succeeded, Failed and Cancelled conditions.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Generation of the spec last reconciled.")
  public Long observedGeneration;

  /** Progress of one layer. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class LayerStatus {
    public String name;
    public String phase;
    public String pod;
    public Integer attempts;
    public String startTime;
    public String endTime;
    public String message;
  }

  /** Outcome of one module in one layer. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ModuleSummary {
    public Integer id;
    public String name;
    public String workspace;
    public String status;
    public String fromTS;
    public String untilTS;
    public Long rows;
    public Long quarantined;
  }
}
