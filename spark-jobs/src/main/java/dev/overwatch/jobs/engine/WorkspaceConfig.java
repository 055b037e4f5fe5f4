package dev.overwatch.jobs.engine;

import dev.overwatch.api.v1alpha1.OverwatchDeploymentSpec;
import dev.overwatch.api.v1alpha1.WorkspaceSpec;
import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.config.StoragePaths;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** One workspace as the engine sees it: resolved paths, enabled scopes and where its secrets come from. */
public record WorkspaceConfig(String name, String organizationId, String cloud, Optional<String> url,
    Optional<String> auditLogPath, String auditLogFormat, Optional<String> apiReplayPath,
    List<String> sparkEventLogPaths, Map<String, String> pathMappings, Set<Scope> scopes, String tokenEnvVar) {

  public static WorkspaceConfig of(OverwatchDeploymentSpec spec, WorkspaceSpec ws) {
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    if (spec.scopes == null || spec.scopes.isEmpty()) {
      scopes.addAll(EnumSet.allOf(Scope.class));
    } else {
      spec.scopes.forEach(s -> Scope.parse(s).ifPresent(scopes::add));
    }
    ws.excludedScopes.forEach(s -> Scope.parse(s).ifPresent(scopes::remove));
    return new WorkspaceConfig(ws.name, ws.organizationId, ws.cloud == null ? "AWS" : ws.cloud.name(),
        Optional.ofNullable(ws.url),
        Optional.ofNullable(ws.auditLogs).map(a -> StoragePaths.qualify(a.path)),
        ws.auditLogs == null || ws.auditLogs.format == null ? "json" : ws.auditLogs.format,
        Optional.ofNullable(ws.apiReplayPath).map(StoragePaths::qualify),
        ws.sparkEventLogPaths.stream().map(StoragePaths::qualify).toList(),
        Map.copyOf(ws.pathMappings),
        Set.copyOf(scopes),
        tokenEnvVar(ws.name));
  }

  /** Name of the environment variable the operator fills from the workspace's tokenSecretRef. */
  public static String tokenEnvVar(String workspaceName) {
    return "OVERWATCH_TOKEN_" + workspaceName.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  public boolean hasScope(Scope scope) {
    return scopes.contains(scope);
  }

  /** Applies the longest matching pathMappings prefix (workspace mounts) to a cluster-log destination. */
  public String mapPath(String path) {
    String best = null;
    for (String prefix : pathMappings.keySet()) {
      if ((path.equals(prefix) || path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/"))
          && (best == null || prefix.length() > best.length())) {
        best = prefix;
      }
    }
    if (best == null) {
      return path;
    }
    return StoragePaths.qualify(pathMappings.get(best)) + path.substring(best.length());
  }
}
