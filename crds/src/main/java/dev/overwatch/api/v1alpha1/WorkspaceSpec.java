package dev.overwatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One monitored workspace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkspaceSpec {
  @Required
  @Pattern("^[a-z0-9]([-a-z0-9_]*[a-z0-9])?$")
  @Size(max = 63)
  @JsonPropertyDescription("Friendly name, unique in the deployment (written as workspace_name).")
  public String name;

  @Required
  @Pattern("^[A-Za-z0-9_-]+$")
  @JsonPropertyDescription("Workspace id (organization_id of every row).")
  public String organizationId;

  @Pattern("^https?://.+$")
  @JsonPropertyDescription("Workspace URL used for REST API calls (https://...). Optional with apiReplayPath or without API scopes.")
  public String url;

  @Default("AWS")
  @JsonPropertyDescription("Cloud of the workspace: AWS, Azure or GCP.")
  public Cloud cloud = Cloud.AWS;

  @JsonPropertyDescription("Secret holding the workspace's personal access token. The token is never copied anywhere else.")
  public SecretKeyRef tokenSecretRef;

  @JsonPropertyDescription("Where the workspace's audit logs are delivered.")
  public AuditLogsSpec auditLogs;

  @JsonPropertyDescription("Export of system.compute.warehouse_events for this workspace (warehouse states for "
      + "warehouseStateFact). Without it the states are derived from the audit log's warehouse start, stop, create, "
      + "edit and delete events (docs/dbsql.md).")
  public WarehouseEventsSpec warehouseEvents;

  @JsonPropertyDescription("Folder of recorded REST responses used instead of calling the workspace (air-gapped installs, tests). See docs/api-replay.md.")
  public String apiReplayPath;

  @JsonPropertyDescription("Extra folders holding Spark event logs of any Spark 3.x/4.x application (spark.eventLog.dir).")
  public List<String> sparkEventLogPaths = new ArrayList<>();

  @JsonPropertyDescription("Path prefix translations applied to cluster-log destinations, e.g. dbfs:/cluster-logs -> s3a://bucket/cluster-logs (mounts of the workspace).")
  public Map<String, String> pathMappings = new LinkedHashMap<>();

  @JsonPropertyDescription("Scopes not run for this workspace.")
  public List<String> excludedScopes = new ArrayList<>();

  @Default("true")
  @JsonPropertyDescription("Inactive workspaces are skipped.")
  public Boolean active = true;

  public enum Cloud { AWS, Azure, GCP }
}
