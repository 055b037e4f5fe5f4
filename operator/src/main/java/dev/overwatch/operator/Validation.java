package dev.overwatch.operator;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import dev.overwatch.api.v1alpha1.CatalogSpec;
import dev.overwatch.api.v1alpha1.OverwatchDeploymentSpec;
import dev.overwatch.api.v1alpha1.OverwatchRun;
import dev.overwatch.api.v1alpha1.OverwatchRunSpec;
import dev.overwatch.api.v1alpha1.SecretKeyRef;
import dev.overwatch.api.v1alpha1.StorageSpec;
import dev.overwatch.api.v1alpha1.WorkspaceSpec;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Pure checks of the specs. Most mirror the CRD schema and CEL rules (an API server rejects those
 * first; the reconciler repeats them so that a resource that slipped past, e.g. written before a
 * CRD upgrade, gets a condition instead of a crash), the rest are what a schema cannot say.
 */
public final class Validation {
  private static final Pattern WORKSPACE_NAME = Pattern.compile("^[a-z0-9]([-a-z0-9_]*[a-z0-9])?$");
  private static final Pattern DATABASE = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]{0,127}$");
  private static final Pattern SPARK_SIZE = Pattern.compile("^[0-9]+[kmgtKMGT]$");
  private static final Pattern CPU = Pattern.compile("^([0-9]+(\\.[0-9]+)?|[0-9]+m)$");
  private static final Set<String> STORAGE_SCHEMES = Set.of("s3a", "abfss", "gs", "file");
  private static final Set<String> RESERVED_CONF = Set.of("spark.master", "spark.submit.deployMode", "spark.kubernetes.driver.pod.name");
  private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private Validation() {}

  public static List<Problem> deployment(OverwatchDeploymentSpec spec) {
    return deployment(spec, SecurityRules.Policy.DEFAULT);
  }

  public static List<Problem> deployment(OverwatchDeploymentSpec spec, SecurityRules.Policy policy) {
    List<Problem> p = new ArrayList<>();
    if (spec == null) {
      p.add(new Problem("InvalidSpec", "spec is missing"));
      return p;
    }
    if (spec.workspaces == null || spec.workspaces.isEmpty()) {
      p.add(new Problem("InvalidWorkspaces", "at least one workspace is required"));
    } else {
      Set<String> seen = new HashSet<>();
      for (WorkspaceSpec w : spec.workspaces) {
        if (w.name == null || !WORKSPACE_NAME.matcher(w.name).matches() || w.name.length() > 63) {
          p.add(new Problem("InvalidWorkspaces", "workspace name '" + w.name + "' must be lowercase alphanumerics, '-' or '_' (max 63)"));
        } else if (!seen.add(w.name)) {
          p.add(new Problem("InvalidWorkspaces", "workspace names must be unique: '" + w.name + "' repeats"));
        }
        if (w.organizationId == null || w.organizationId.isBlank()) {
          p.add(new Problem("InvalidWorkspaces", "workspace '" + w.name + "' needs an organizationId"));
        }
        if (w.url != null && !w.url.matches("^https?://.+$")) {
          p.add(new Problem("InvalidWorkspaces", "workspace '" + w.name + "' url must start with https:// or http://"));
        }
        if (w.auditLogs != null && w.auditLogs.format != null && !Set.of("json", "parquet", "delta").contains(w.auditLogs.format)) {
          p.add(new Problem("InvalidWorkspaces", "workspace '" + w.name + "' auditLogs.format must be json, parquet or delta"));
        }
        secretRef(p, w.tokenSecretRef, "workspace '" + w.name + "' tokenSecretRef");
        if (w.excludedScopes != null) {
          scopes(p, w.excludedScopes, "workspace '" + w.name + "' excludedScopes");
        }
      }
    }
    storage(p, spec);
    catalog(p, spec.catalog, spec.storage);
    if (spec.etlDatabase != null && !DATABASE.matcher(spec.etlDatabase).matches()) {
      p.add(new Problem("InvalidDatabase", "etlDatabase '" + spec.etlDatabase + "' is not a valid database name"));
    }
    if (spec.consumerDatabase != null && !DATABASE.matcher(spec.consumerDatabase).matches()) {
      p.add(new Problem("InvalidDatabase", "consumerDatabase '" + spec.consumerDatabase + "' is not a valid database name"));
    }
    if (spec.etlDatabase != null && spec.etlDatabase.equals(spec.consumerDatabase)) {
      p.add(new Problem("InvalidDatabase", "etlDatabase and consumerDatabase must differ"));
    }
    if (spec.scopes != null) {
      scopes(p, spec.scopes, "scopes");
    }
    if (spec.primordialDate != null) {
      try {
        LocalDate.parse(spec.primordialDate);
      } catch (RuntimeException e) {
        p.add(new Problem("InvalidPrimordialDate", "primordialDate '" + spec.primordialDate + "' is not a yyyy-MM-dd date"));
      }
    }
    if (spec.maxDaysToLoad != null && spec.maxDaysToLoad < 1) {
      p.add(new Problem("InvalidMaxDaysToLoad", "maxDaysToLoad must be >= 1"));
    }
    zone(p, spec.timeZone, "timeZone");
    if (spec.spark != null) {
      if (spec.spark.executors != null && spec.spark.executors < 0) {
        p.add(new Problem("InvalidSpark", "spark.executors must be >= 0"));
      }
      for (String key : spec.spark.sparkConf == null ? Set.<String>of() : spec.spark.sparkConf.keySet()) {
        if (RESERVED_CONF.contains(key)) {
          p.add(new Problem("InvalidSpark", "spark.sparkConf must not set " + key + " (the operator sets it)"));
        }
      }
      for (var r : new Object[][] {{"driver", spec.spark.driver}, {"executor", spec.spark.executor}}) {
        var res = (dev.overwatch.api.v1alpha1.SparkSpec.ResourcesSpec) r[1];
        if (res != null && res.memory != null && !SPARK_SIZE.matcher(res.memory).matches()) {
          p.add(new Problem("InvalidSpark", "spark." + r[0] + ".memory '" + res.memory + "' must be a Spark size like 2g"));
        }
        if (res != null && res.cpu != null && !CPU.matcher(res.cpu).matches()) {
          p.add(new Problem("InvalidSpark", "spark." + r[0] + ".cpu '" + res.cpu + "' must be a CPU quantity like 1, 0.5 or 500m"));
        }
      }
    }
    if (spec.schedule != null) {
      try {
        CRON.parse(spec.schedule.cron).validate();
      } catch (RuntimeException e) {
        p.add(new Problem("InvalidSchedule", "schedule.cron '" + spec.schedule.cron + "' is not a 5-field cron expression: " + e.getMessage()));
      }
      zone(p, spec.schedule.timeZone, "schedule.timeZone");
    }
    if (spec.retry != null && spec.retry.maxAttempts != null && spec.retry.maxAttempts < 1) {
      p.add(new Problem("InvalidRetry", "retry.maxAttempts must be >= 1"));
    }
    SecurityRules.check(p, spec, policy);
    return p;
  }

  /** The Secrets (name -> keys) a deployment references; the reconciler checks they exist. */
  public static List<SecretKeyRef> secretRefs(OverwatchDeploymentSpec spec) {
    List<SecretKeyRef> refs = new ArrayList<>();
    if (spec.workspaces != null) {
      spec.workspaces.stream().filter(w -> w.tokenSecretRef != null).forEach(w -> refs.add(w.tokenSecretRef));
    }
    if (spec.catalog != null && spec.catalog.jdbc != null && spec.catalog.jdbc.passwordSecretRef != null) {
      refs.add(spec.catalog.jdbc.passwordSecretRef);
    }
    return refs;
  }

  public static List<Problem> run(OverwatchRunSpec spec) {
    List<Problem> p = new ArrayList<>();
    if (spec == null || spec.deploymentRef == null || spec.deploymentRef.name == null || spec.deploymentRef.name.isBlank()) {
      p.add(new Problem("InvalidSpec", "spec.deploymentRef.name is required"));
      return p;
    }
    if (spec.layers != null) {
      Set<String> seen = new HashSet<>();
      for (String l : spec.layers) {
        if (!OverwatchRun.LAYERS.contains(l)) {
          p.add(new Problem("InvalidLayers", "unknown layer '" + l + "'; allowed: " + OverwatchRun.LAYERS));
        } else if (!seen.add(l)) {
          p.add(new Problem("InvalidLayers", "layer '" + l + "' repeats"));
        }
      }
    }
    if (spec.snapshotTime != null) {
      try {
        OffsetDateTime.parse(spec.snapshotTime);
      } catch (RuntimeException e) {
        p.add(new Problem("InvalidSnapshotTime", "snapshotTime '" + spec.snapshotTime + "' is not RFC 3339"));
      }
    }
    if (spec.includeModules != null && spec.excludeModules != null
        && spec.includeModules.stream().anyMatch(spec.excludeModules::contains)) {
      p.add(new Problem("InvalidModules", "a module id cannot be both included and excluded"));
    }
    if (spec.retry != null && spec.retry.maxAttempts != null && spec.retry.maxAttempts < 1) {
      p.add(new Problem("InvalidRetry", "retry.maxAttempts must be >= 1"));
    }
    if (spec.retry != null && spec.retry.backoffSeconds != null && spec.retry.backoffSeconds < 0) {
      p.add(new Problem("InvalidRetry", "retry.backoffSeconds must be >= 0"));
    }
    return p;
  }

  /** The layers a run executes, always in promotion order. */
  public static List<String> layers(OverwatchRunSpec spec) {
    if (spec.layers == null || spec.layers.isEmpty()) {
      return OverwatchRun.LAYERS;
    }
    return OverwatchRun.LAYERS.stream().filter(spec.layers::contains).toList();
  }

  private static void storage(List<Problem> p, OverwatchDeploymentSpec spec) {
    if (spec.storage == null || spec.storage.prefix == null || spec.storage.prefix.isBlank()) {
      p.add(new Problem("InvalidStorage", "storage.prefix is required"));
      return;
    }
    String prefix = spec.storage.prefix;
    int colon = prefix.indexOf("://");
    if (colon < 0) {
      if (!prefix.startsWith("/")) {
        p.add(new Problem("InvalidStorage", "storage.prefix '" + prefix + "' must be an absolute path or use s3a://, abfss://, gs:// or file://"));
      }
    } else {
      String scheme = prefix.substring(0, colon);
      if (!STORAGE_SCHEMES.contains(scheme)) {
        p.add(new Problem("InvalidStorage", "storage.prefix scheme '" + scheme + "' is not supported; use s3a://, abfss://, gs://, file:// or an absolute path"));
      } else if (spec.storage.volume != null && !"file".equals(scheme)) {
        p.add(new Problem("InvalidStorage", "storage.volume needs a local prefix (absolute path), not " + scheme + "://"));
      }
    }
  }

  private static void catalog(List<Problem> p, CatalogSpec c, StorageSpec storage) {
    if (c == null || c.type == null) {
      return;
    }
    switch (c.type) {
      case jdbc -> {
        if (c.jdbc == null) {
          p.add(new Problem("InvalidCatalog", "catalog type jdbc needs catalog.jdbc (url, user, passwordSecretRef)"));
        } else {
          if (c.jdbc.url == null || !c.jdbc.url.startsWith("jdbc:postgresql://")) {
            p.add(new Problem("InvalidCatalog", "catalog.jdbc.url must be jdbc:postgresql://host:port/database"));
          }
          if (c.jdbc.user == null || c.jdbc.user.isBlank()) {
            p.add(new Problem("InvalidCatalog", "catalog.jdbc.user is required"));
          }
          if (c.jdbc.passwordSecretRef == null) {
            p.add(new Problem("InvalidCatalog", "catalog.jdbc.passwordSecretRef is required"));
          } else {
            secretRef(p, c.jdbc.passwordSecretRef, "catalog.jdbc.passwordSecretRef");
          }
        }
        if (c.thriftUri != null) {
          p.add(new Problem("InvalidCatalog", "catalog.thriftUri is only valid with type thrift"));
        }
      }
      case thrift -> {
        if (c.thriftUri == null || !c.thriftUri.matches("^thrift://[^\\s/]+:[0-9]+$")) {
          p.add(new Problem("InvalidCatalog", "catalog type thrift needs catalog.thriftUri thrift://host:port"));
        }
        if (c.jdbc != null) {
          p.add(new Problem("InvalidCatalog", "catalog.jdbc is only valid with type jdbc"));
        }
      }
      case embedded -> {
        if (c.jdbc != null || c.thriftUri != null) {
          p.add(new Problem("InvalidCatalog", "catalog type embedded takes neither jdbc nor thriftUri"));
        }
        // Derby keeps its files under the prefix: it needs a file system, not an object store.
        if (storage != null && storage.prefix != null && storage.prefix.contains("://") && !storage.prefix.startsWith("file://")) {
          p.add(new Problem("InvalidCatalog", "catalog type embedded keeps Derby files under storage.prefix, which must then be"
              + " a local or volume path, not " + storage.prefix + "; use catalog type jdbc or thrift with object storage"));
        }
      }
    }
  }

  private static void secretRef(List<Problem> p, SecretKeyRef ref, String what) {
    if (ref != null && (ref.name == null || ref.name.isBlank() || ref.key == null || ref.key.isBlank())) {
      p.add(new Problem("InvalidSecretRef", what + " needs both name and key"));
    }
  }

  private static void scopes(List<Problem> p, List<String> scopes, String what) {
    for (String s : scopes) {
      if (!OverwatchDeploymentSpec.SCOPES.contains(s)) {
        p.add(new Problem("InvalidScopes", what + ": unknown scope '" + s + "'; allowed: " + OverwatchDeploymentSpec.SCOPES));
      }
    }
  }

  private static void zone(List<Problem> p, String zone, String what) {
    if (zone == null) {
      return;
    }
    try {
      ZoneId.of(zone);
    } catch (RuntimeException e) {
      p.add(new Problem("InvalidTimeZone", what + " '" + zone + "' is not an IANA time zone"));
    }
  }

  /** Flattens problems into one condition message, bounded. */
  public static String message(List<Problem> problems) {
    String m = String.join("; ", problems.stream().map(Problem::message).toList());
    return m.length() > 1000 ? m.substring(0, 997) + "..." : m;
  }
}
