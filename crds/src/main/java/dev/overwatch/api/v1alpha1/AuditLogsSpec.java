package dev.overwatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** Audit-log delivery location of a workspace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AuditLogsSpec {
  @Required
  @JsonPropertyDescription("Folder whose children are date=YYYY-MM-DD folders (the workspaceId=<id> level of the delivery).")
  public String path;

  @Default("json")
  @ValidationRule(value = "self in ['json', 'parquet', 'delta']", message = "auditLogs.format must be json, parquet or delta")
  @JsonPropertyDescription("File format of the delivered audit logs: json, parquet or delta.")
  public String format = "json";
}
