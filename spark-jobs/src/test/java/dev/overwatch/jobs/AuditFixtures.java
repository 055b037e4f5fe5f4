package dev.overwatch.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Writes small audit-log deliveries (date=YYYY-MM-DD folders of JSON lines) shaped as inputs.md 1.3. */
public final class AuditFixtures {
  private AuditFixtures() {}

  /** n valid records spread over the day; requestParams values are strings, nested ones JSON-encoded. */
  public static void writeDay(Path root, LocalDate day, int n, String fileSuffix) {
    List<String> lines = new ArrayList<>();
    long start = day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    for (int i = 0; i < n; i++) {
      long ts = start + 3_600_000L + i * 60_000L;
      String cluster = "1101-0000" + (i % 3) + "-abc" + (i % 3);
      String rec = switch (i % 4) {
        case 0 -> record(ts, day + "-" + fileSuffix + "-" + i, "clusters", "create",
            "{\"cluster_name\":\"etl-" + i + "\",\"num_workers\":\"2\",\"autoscale\":\"{\\\"min_workers\\\":1,\\\"max_workers\\\":4}\","
                + "\"cluster_log_conf\":\"{\\\"dbfs\\\":{\\\"destination\\\":\\\"dbfs:/cluster-logs\\\"}}\"}",
            "{\"statusCode\":200,\"result\":\"{\\\"cluster_id\\\":\\\"" + cluster + "\\\"}\"}");
        case 1 -> record(ts, day + "-" + fileSuffix + "-" + i, "clusters", "startResult",
            "{\"clusterId\":\"" + cluster + "\",\"clusterState\":\"RUNNING\",\"clusterWorkers\":\"2\"}",
            "{\"statusCode\":200}");
        case 2 -> record(ts, day + "-" + fileSuffix + "-" + i, "jobs", "runNow",
            "{\"job_id\":\"" + (100 + i) + "\",\"notebook_params\":\"{\\\"a\\\":\\\"1\\\"}\"}",
            "{\"statusCode\":200,\"result\":\"{\\\"run_id\\\":" + (5000 + i) + "}\"}");
        default -> record(ts, day + "-" + fileSuffix + "-" + i, "accounts", "login",
            "{\"user\":\"user" + i + "@example.com\"}", "{\"statusCode\":" + (i % 8 == 3 ? 401 : 200) + "}");
      };
      lines.add(rec);
    }
    write(root.resolve("date=" + day).resolve("auditlogs_" + fileSuffix + ".json"), String.join("\n", lines) + "\n");
  }

  private static String record(long ts, String requestId, String service, String action, String params, String response) {
    return "{\"version\":\"2.0\",\"auditLevel\":\"WORKSPACE_LEVEL\",\"timestamp\":" + ts + ",\"orgId\":\"42\","
        + "\"shardName\":\"demo\",\"accountId\":\"acc\",\"sourceIPAddress\":\"10.0.0.1\",\"userAgent\":\"curl\","
        + "\"sessionId\":\"s\",\"userIdentity\":{\"email\":\"admin@example.com\"},\"serviceName\":\"" + service
        + "\",\"actionName\":\"" + action + "\",\"requestId\":\"" + requestId + "\",\"requestParams\":" + params
        + ",\"response\":" + response + "}";
  }

  /** Three bad records: truncated JSON, a wrong type, and binary garbage. */
  public static void writeMalformed(Path root, LocalDate day) {
    String truncated = "{\"version\":\"2.0\",\"timestamp\":17620704000";
    String wrongType = "{\"version\":\"2.0\",\"timestamp\":\"yesterday\",\"serviceName\":\"jobs\",\"actionName\":\"runNow\",\"requestId\":\"x\"}";
    byte[] garbage = new byte[64];
    for (int i = 0; i < garbage.length; i++) {
      garbage[i] = (byte) (0x80 + (i * 7) % 0x70);
    }
    try {
      Path f = root.resolve("date=" + day).resolve("auditlogs_bad.json");
      Files.createDirectories(f.getParent());
      Files.write(f, (truncated + "\n" + wrongType + "\n").getBytes(StandardCharsets.UTF_8));
      Files.write(f, garbage, java.nio.file.StandardOpenOption.APPEND);
      Files.write(f, "\n".getBytes(StandardCharsets.UTF_8), java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A deployment of one workspace ("demo", organization 42) with the audit scope over {@code audit}, for in-process runs. */
  public static dev.overwatch.api.v1alpha1.OverwatchDeployment deployment(Path prefix, String etl, Path audit,
      LocalDate primordial) {
    return dev.overwatch.jobs.config.Deployments.parse(deploymentYaml(prefix, etl, audit, primordial), etl);
  }

  /** The same deployment as YAML, for child JVMs ({@code overwatch run --deployment FILE}). */
  public static String deploymentYaml(Path prefix, String etl, Path audit, LocalDate primordial) {
    return """
        apiVersion: overwatch.dev/v1alpha1
        kind: OverwatchDeployment
        metadata: {name: %s}
        spec:
          storage: {prefix: %s}
          etlDatabase: %s
          consumerDatabase: %s_consumer
          scopes: [audit]
          primordialDate: "%s"
          workspaces:
            - name: demo
              organizationId: "42"
              auditLogs: {path: %s}
        """.formatted(etl.replace('_', '-'), prefix, etl, etl, primordial, audit);
  }

  private static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
