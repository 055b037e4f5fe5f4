package dev.overwatch.jobs.config;

import dev.overwatch.api.v1alpha1.CatalogSpec;
import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchDeploymentSpec;
import dev.overwatch.api.v1alpha1.WorkspaceSpec;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Semantic checks of a deployment, each problem prefixed with its field path. */
public final class DeploymentValidator {
  /** SQL identifiers from user input end up in DDL, so only plain names are accepted. */
  public static final Pattern IDENTIFIER = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]{0,127}$");
  private static final Pattern ORG_ID = Pattern.compile("^[A-Za-z0-9_-]+$");
  private static final Pattern WORKSPACE_NAME = Pattern.compile("^[a-z0-9]([-a-z0-9_]*[a-z0-9])?$");
  private static final Set<String> AUDIT_FORMATS = Set.of("json", "parquet", "delta");

  private DeploymentValidator() {}

  public static List<String> validate(OverwatchDeployment deployment) {
    List<String> problems = new ArrayList<>();
    // apiVersion and kind are checked on the raw file by Deployments (Fabric8 binding ignores them).
    if (deployment.getMetadata() == null || blank(deployment.getMetadata().getName())) {
      problems.add("metadata.name: required");
    }
    OverwatchDeploymentSpec spec = deployment.getSpec();
    if (spec == null) {
      problems.add("spec: required");
      return problems;
    }
    validateSpec(spec, problems);
    return problems;
  }

  private static void validateSpec(OverwatchDeploymentSpec spec, List<String> problems) {
    if (spec.storage == null || blank(spec.storage.prefix)) {
      problems.add("spec.storage.prefix: required");
    } else if (!StoragePaths.isKnownScheme(spec.storage.prefix)) {
      problems.add("spec.storage.prefix: unknown scheme in '" + spec.storage.prefix
          + "' (use s3a://, abfss://, gs://, file:// or a local path)");
    }
    identifier(spec.etlDatabase, "spec.etlDatabase", problems);
    identifier(spec.consumerDatabase, "spec.consumerDatabase", problems);
    if (spec.etlDatabase != null && spec.etlDatabase.equalsIgnoreCase(spec.consumerDatabase)) {
      problems.add("spec.consumerDatabase: must differ from spec.etlDatabase");
    }
    validateCatalog(spec, problems);
    for (int i = 0; i < spec.scopes.size(); i++) {
      if (Scope.parse(spec.scopes.get(i)).isEmpty()) {
        problems.add("spec.scopes[" + i + "]: unknown scope '" + spec.scopes.get(i) + "'");
      }
    }
    if (spec.primordialDate != null) {
      try {
        LocalDate.parse(spec.primordialDate);
      } catch (DateTimeException e) {
        problems.add("spec.primordialDate: not a yyyy-MM-dd date: '" + spec.primordialDate + "'");
      }
    }
    if (spec.maxDaysToLoad == null || spec.maxDaysToLoad < 1) {
      problems.add("spec.maxDaysToLoad: must be >= 1");
    }
    try {
      ZoneId.of(spec.timeZone == null ? "" : spec.timeZone);
    } catch (DateTimeException e) {
      problems.add("spec.timeZone: unknown time zone '" + spec.timeZone + "'");
    }
    if (spec.prices != null) {
      nonNegative(spec.prices.interactive, "spec.prices.interactive", problems);
      nonNegative(spec.prices.automated, "spec.prices.automated", problems);
      nonNegative(spec.prices.sqlCompute, "spec.prices.sqlCompute", problems);
      nonNegative(spec.prices.jobsLight, "spec.prices.jobsLight", problems);
      validatePriceFile(spec.prices.instanceDetailsCsv, "spec.prices.instanceDetailsCsv", problems);
      validatePriceFile(spec.prices.warehouseDbuDetailsCsv, "spec.prices.warehouseDbuDetailsCsv", problems);
    }
    if (spec.viewWorkspaceAllowList != null) {
      for (int i = 0; i < spec.viewWorkspaceAllowList.size(); i++) {
        String id = spec.viewWorkspaceAllowList.get(i);
        if (id == null || !ORG_ID.matcher(id).matches()) {
          problems.add("spec.viewWorkspaceAllowList[" + i + "]: an organization id (letters, digits, '-' and '_'"
              + " only): '" + id + "'");
        }
      }
    }
    if (spec.publishSensitiveViews != null) {
      for (int i = 0; i < spec.publishSensitiveViews.size(); i++) {
        String view = spec.publishSensitiveViews.get(i);
        if (!OverwatchDeploymentSpec.SENSITIVE_VIEWS.contains(view)) {
          problems.add("spec.publishSensitiveViews[" + i + "]: not a sensitive view: '" + view + "' (allowed: "
              + String.join(", ", OverwatchDeploymentSpec.SENSITIVE_VIEWS) + ")");
        }
      }
    }
    if (spec.spark != null && spec.spark.executors != null && spec.spark.executors < 0) {
      problems.add("spec.spark.executors: must be >= 0");
    }
    if (spec.workspaces == null || spec.workspaces.isEmpty()) {
      problems.add("spec.workspaces: at least one workspace is required");
      return;
    }
    Set<String> names = new HashSet<>();
    Set<String> orgIds = new HashSet<>();
    for (int i = 0; i < spec.workspaces.size(); i++) {
      validateWorkspace(spec.workspaces.get(i), "spec.workspaces[" + i + "]", names, orgIds, problems);
    }
  }

  private static void validateCatalog(OverwatchDeploymentSpec spec, List<String> problems) {
    CatalogSpec catalog = spec.catalog;
    if (catalog == null || catalog.type == null) {
      return;
    }
    switch (catalog.type) {
      case embedded -> {
        if (spec.storage != null && spec.storage.prefix != null && !StoragePaths.isLocal(spec.storage.prefix)) {
          problems.add("spec.catalog.type: embedded keeps Derby files under the storage prefix, which must then be a"
              + " local or volume path; use jdbc or thrift with object storage");
        }
      }
      case jdbc -> {
        if (catalog.jdbc == null || blank(catalog.jdbc.url)) {
          problems.add("spec.catalog.jdbc.url: required when spec.catalog.type is jdbc");
        } else if (!catalog.jdbc.url.startsWith("jdbc:postgresql://")) {
          problems.add("spec.catalog.jdbc.url: must be a jdbc:postgresql:// URL");
        }
        if (catalog.jdbc != null && blank(catalog.jdbc.user)) {
          problems.add("spec.catalog.jdbc.user: required when spec.catalog.type is jdbc");
        }
      }
      case thrift -> {
        if (blank(catalog.thriftUri) || !catalog.thriftUri.startsWith("thrift://")) {
          problems.add("spec.catalog.thriftUri: a thrift://host:port URI is required when spec.catalog.type is thrift");
        }
      }
    }
  }

  private static void validateWorkspace(WorkspaceSpec ws, String path, Set<String> names, Set<String> orgIds,
      List<String> problems) {
    if (blank(ws.name)) {
      problems.add(path + ".name: required");
    } else if (!WORKSPACE_NAME.matcher(ws.name).matches()) {
      problems.add(path + ".name: lower-case letters, digits, '-' and '_' only: '" + ws.name + "'");
    } else if (!names.add(ws.name)) {
      problems.add(path + ".name: duplicate workspace name '" + ws.name + "'");
    }
    if (blank(ws.organizationId)) {
      problems.add(path + ".organizationId: required");
    } else if (!ORG_ID.matcher(ws.organizationId).matches()) {
      problems.add(path + ".organizationId: letters, digits, '-' and '_' only: '" + ws.organizationId + "'");
    } else if (!orgIds.add(ws.organizationId)) {
      problems.add(path + ".organizationId: duplicate organization id '" + ws.organizationId + "'");
    }
    if (ws.url != null && !(ws.url.startsWith("https://") || ws.url.startsWith("http://"))) {
      problems.add(path + ".url: must start with https://");
    }
    if (ws.auditLogs != null) {
      if (blank(ws.auditLogs.path)) {
        problems.add(path + ".auditLogs.path: required");
      }
      if (ws.auditLogs.format != null && !AUDIT_FORMATS.contains(ws.auditLogs.format)) {
        problems.add(path + ".auditLogs.format: one of json, parquet, delta");
      }
    }
    if (ws.warehouseEvents != null) {
      if (blank(ws.warehouseEvents.path)) {
        problems.add(path + ".warehouseEvents.path: required");
      }
      if (ws.warehouseEvents.format != null && !AUDIT_FORMATS.contains(ws.warehouseEvents.format)) {
        problems.add(path + ".warehouseEvents.format: one of json, parquet, delta");
      }
    }
    for (int i = 0; i < ws.excludedScopes.size(); i++) {
      if (Scope.parse(ws.excludedScopes.get(i)).isEmpty()) {
        problems.add(path + ".excludedScopes[" + i + "]: unknown scope '" + ws.excludedScopes.get(i) + "'");
      }
    }
    if (ws.tokenSecretRef != null && (blank(ws.tokenSecretRef.name) || blank(ws.tokenSecretRef.key))) {
      problems.add(path + ".tokenSecretRef: name and key are required");
    }
  }

  private static void identifier(String value, String path, List<String> problems) {
    if (value == null || !IDENTIFIER.matcher(value).matches()) {
      problems.add(path + ": must be a plain SQL identifier ([A-Za-z_][A-Za-z0-9_]*), got '" + value + "'");
    }
  }

  /** A price file (spec.prices.*Csv): optional; a known storage scheme, and an existing file when local. */
  private static void validatePriceFile(String location, String field, List<String> problems) {
    if (location == null) {
      return;
    }
    if (location.isBlank()) {
      problems.add(field + ": must not be empty (leave it out to use the bundled prices only)");
    } else if (!StoragePaths.isKnownScheme(location)) {
      problems.add(field + ": unsupported location '" + location + "' (a local path or s3a://, abfss://, gs://, file://)");
    } else if (StoragePaths.isLocal(location) && !java.nio.file.Files.isRegularFile(StoragePaths.localPath(location))) {
      problems.add(field + ": no such file '" + location + "'");
    }
  }

  private static void nonNegative(Double value, String path, List<String> problems) {
    if (value != null && value < 0) {
      problems.add(path + ": must be >= 0");
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
