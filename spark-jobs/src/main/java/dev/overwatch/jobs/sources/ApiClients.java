package dev.overwatch.jobs.sources;

import dev.overwatch.jobs.engine.WorkspaceConfig;

/** Creates the REST client of a workspace: live (Databricks SDK) or from recorded responses. */
public final class ApiClients {
  private ApiClients() {}

  public static DatabricksApi forWorkspace(WorkspaceConfig workspace) {
    throw new ApiException("(none)", 0, "REST access is not implemented yet for workspace " + workspace.name(), null);
  }
}
