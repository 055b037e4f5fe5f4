package dev.overwatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
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
}
