package dev.overwatch.jobs.sources;

import dev.overwatch.jobs.engine.WorkspaceConfig;
import java.nio.file.Path;
import java.util.Map;

/** Creates the REST client of a workspace: live (Databricks SDK) or from recorded responses. */
public final class ApiClients {
  private ApiClients() {}

  public static DatabricksApi forWorkspace(WorkspaceConfig workspace) {
    return forWorkspace(workspace, ApiCall.Listener.NONE);
  }

  public static DatabricksApi forWorkspace(WorkspaceConfig workspace, ApiCall.Listener listener) {
    return forWorkspace(workspace, System.getenv(), BusyRetry.standard(), listener);
  }

  /**
   * Replay when the workspace names apiReplayPath (a local folder), else the live url with the
   * token from the workspace's environment variable.
   */
  public static DatabricksApi forWorkspace(WorkspaceConfig workspace, Map<String, String> env, BusyRetry retry) {
    return forWorkspace(workspace, env, retry, ApiCall.Listener.NONE);
  }

  /** The same, telling {@code listener} of every request (features.traceApi). */
  public static DatabricksApi forWorkspace(WorkspaceConfig workspace, Map<String, String> env, BusyRetry retry,
      ApiCall.Listener listener) {
    if (workspace.apiReplayPath().isPresent()) {
      Path folder = localFolder(workspace.name(), workspace.apiReplayPath().get());
      ReplayServer server = ReplayServer.start(folder);
      try {
        return new SdkDatabricksApi(workspace.name(), server.url(), ReplayServer.TOKEN, retry, server, listener);
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
    }
    if (workspace.url().isEmpty()) {
      throw ApiException.configuration("workspace " + workspace.name()
          + " has neither workspaces[].url nor workspaces[].apiReplayPath; set one of them to reach its REST API");
    }
    String token = env.get(workspace.tokenEnvVar());
    if (token == null || token.isBlank()) {
      throw ApiException.configuration("workspace " + workspace.name() + ": environment variable "
          + workspace.tokenEnvVar() + " is not set; it must hold the personal access token named by the"
          + " workspace's tokenSecretRef");
    }
    return new SdkDatabricksApi(workspace.name(), workspace.url().get(), token, retry, null, listener);
  }

  private static Path localFolder(String workspace, String location) {
    if (location.startsWith("file:")) {
      return Path.of(location.substring("file:".length())).normalize();
    }
    if (location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
      throw ApiException.configuration("workspace " + workspace + ": apiReplayPath " + location
          + " must be a local folder (or a mounted volume)");
    }
    return Path.of(location);
  }
}
