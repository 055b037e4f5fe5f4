package dev.overwatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** When scheduled runs are created. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScheduleSpec {
  @Required
  @Pattern("^\\S+(\\s+\\S+){4}$")
  @JsonPropertyDescription("Unix cron expression (5 fields), e.g. '0 2 * * *'.")
  public String cron;

  @Default("UTC")
  @JsonPropertyDescription("IANA time zone of the cron expression (checked by the operator; an unknown zone sets Ready=False).")
  public String timeZone = "UTC";

  @Default("Forbid")
  @JsonPropertyDescription("What a due time does while runs of the deployment are Pending or Running: Forbid skips it (reported in status.missedSchedules and a MissedSchedule event), Replace cancels those runs and creates the new one, Allow queues the new run behind them (at most maxQueuedRuns waiting).")
  public ConcurrencyPolicy concurrencyPolicy = ConcurrencyPolicy.Forbid;

  @Default("1")
  @Min(0)
  @Max(100)
  @JsonPropertyDescription("With concurrencyPolicy Allow: how many runs may wait (Pending) behind the active one; a due time beyond that is skipped and reported.")
  public Integer maxQueuedRuns = 1;

  @Min(0)
  @JsonPropertyDescription("A due time more than this many seconds in the past (e.g. while the operator was down) is skipped and reported instead of run late. Absent: run late, however late.")
  public Long startingDeadlineSeconds;

  public enum ConcurrencyPolicy { Allow, Forbid, Replace }
}
