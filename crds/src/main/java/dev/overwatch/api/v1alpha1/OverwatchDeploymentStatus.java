package dev.overwatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Observed state of a deployment. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OverwatchDeploymentStatus {
  @JsonPropertyDescription("Ready (spec valid, referenced Secrets present, workload RBAC in place) and Scheduled conditions.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Generation of the spec last reconciled.")
  public Long observedGeneration;

  @JsonPropertyDescription("Name of the most recent run.")
  public String lastRun;

  @JsonPropertyDescription("Next scheduled time (RFC 3339).")
  public String nextRun;

  @JsonPropertyDescription("Scheduled time (RFC 3339) of the last run created by the schedule.")
  public String lastScheduleTime;

  @JsonPropertyDescription("Scheduled times that created no run (skipped by concurrencyPolicy or maxQueuedRuns, past startingDeadlineSeconds, or collapsed while the operator was down), counted since the deployment was created.")
  public Long missedSchedules;

  @JsonPropertyDescription("The last scheduled time that created no run (RFC 3339).")
  public String lastMissedSchedule;

  @JsonPropertyDescription("Why the last scheduled time created no run.")
  public String lastMissedReason;

  @JsonPropertyDescription("Name of the run currently executing (at most one per deployment).")
  public String activeRun;

  @JsonPropertyDescription("Last successful window end (RFC 3339) per layer.")
  public Map<String, String> lastSuccessfulWindow = new LinkedHashMap<>();
}
