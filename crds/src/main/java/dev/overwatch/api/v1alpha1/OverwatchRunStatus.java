package dev.overwatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Observed state of a run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OverwatchRunStatus {
  /** Upper bound of status.modules: keeps the resource far below etcd's object size limit. */
  public static final int MAX_MODULES = 200;

  @JsonPropertyDescription("Pending, Running, Succeeded, Failed or Cancelled.")
  public String phase;

  @JsonPropertyDescription("Layer currently running (or the last one attempted).")
  public String currentLayer;

  @JsonPropertyDescription("Overwatch_RunID written with every row of this run: 32 lowercase hex characters, fixed at run start and kept across layers and retries.")
  public String runId;

  @JsonPropertyDescription("Upper bound of every module window (RFC 3339), fixed at run start.")
  public String snapshotTime;

  @JsonPropertyDescription("When the run left Pending (RFC 3339).")
  public String startTime;

  @JsonPropertyDescription("When the run reached Succeeded, Failed or Cancelled (RFC 3339).")
  public String completionTime;

  @JsonPropertyDescription("Human-readable reason of the current phase.")
  public String message;

  @JsonPropertyDescription("One entry per layer.")
  public List<LayerStatus> layers = new ArrayList<>();

  @JsonPropertyDescription("Per-module outcome copied from the driver pods' termination messages (at most 200 entries).")
  public List<ModuleSummary> modules = new ArrayList<>();

  @JsonPropertyDescription("True when module entries were dropped to respect the bound, or a driver reported a truncated summary.")
  public Boolean modulesTruncated;

  @JsonPropertyDescription("Succeeded, Failed and Cancelled conditions (kubectl wait --for=condition=Succeeded).")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Generation of the spec last reconciled.")
  public Long observedGeneration;

  /** Progress of one layer. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class LayerStatus {
    @JsonPropertyDescription("bronze, silver, gold or presentation.")
    public String name;

    @JsonPropertyDescription("Pending, Running, Retrying, Succeeded, Failed or Cancelled.")
    public String phase;

    @JsonPropertyDescription("Name of the driver pod of the current (or last) attempt.")
    public String pod;

    @JsonPropertyDescription("Attempts started so far (1-based).")
    public Integer attempts;

    @JsonPropertyDescription("Start of the current attempt (RFC 3339).")
    public String startTime;

    @JsonPropertyDescription("End of the layer (RFC 3339).")
    public String endTime;

    @JsonPropertyDescription("Earliest start of the next attempt after a failure (RFC 3339).")
    public String nextAttemptTime;

    @JsonPropertyDescription("Outcome or reason of the last attempt.")
    public String message;

    @JsonPropertyDescription("Machine-readable reason of the current attempt's trouble or of its failure, e.g. ImagePullBackOff, Unschedulable, CreateContainerConfigError, OOMKilled, Evicted, NotStarted, PodDisappeared, TimedOut, ExitCode.")
    public String reason;

    @JsonPropertyDescription("Class of the last failure: Configuration (not retried: fix the deployment and resume), Infrastructure (retried with backoff) or Application (the job failed; retried with backoff).")
    public String failureClass;
  }

  /** Outcome of one module in one layer. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ModuleSummary {
    @JsonPropertyDescription("Module id (e.g. 1004).")
    public Integer id;

    @JsonPropertyDescription("Module name (its target table, e.g. Bronze_AuditLogs).")
    public String name;

    @JsonPropertyDescription("Workspace the module ran for.")
    public String workspace;

    @JsonPropertyDescription("SUCCESS, EMPTY, FAILED or NOT_RUN.")
    public String status;

    @JsonPropertyDescription("Window start (inclusive).")
    public String fromTS;

    @JsonPropertyDescription("Window end (exclusive).")
    public String untilTS;

    @JsonPropertyDescription("Rows written.")
    public Long rows;

    @JsonPropertyDescription("Records sent to quarantine.")
    public Long quarantined;
  }
}
