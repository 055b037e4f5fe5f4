package dev.overwatch.jobs.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.overwatch.api.v1alpha1.OverwatchDeploymentSpec;
import dev.overwatch.jobs.config.Redaction;
import dev.overwatch.jobs.sources.ApiCall;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * features.traceApi (pipeline.md 3.3): every REST request of a workspace's client is collected here and, after
 * the module that made it, written to {@code apiEventDetails} by the engine with the module's other outputs
 * (same execution id, rolled back with it). Secret-named fields of the query, the request body and the answer
 * are redacted ({@link Redaction}) before anything is kept.
 */
public final class ApiTrace implements ApiCall.Listener {
  public static final TargetTable TABLE = TargetTable.append("apiEventDetails",
      List.of("moduleId", "requestEpochMS", "page", "batchKeyFilter"), List.of(TableStore.SNAP_TS),
      List.of(TargetTable.ORG, "endPoint"));

  /**
   * Columns of pipeline.md 3.3 first, then what a request trace needs besides (page, timing, size, error); Spark DDL
   * as the reference tables of prices/ declare theirs. The table stays a plain declaration: it is no Type-2 table.
   */
  public static final StructType SCHEMA = StructType.fromDDL("endPoint STRING, `type` STRING, apiVersion STRING,"
      + " batchKeyFilter STRING, responseCode BIGINT, `data` BINARY, moduleId INT, moduleName STRING,"
      + " organization_id STRING, snapTS STRING, `timestamp` BIGINT, page INT, requestEpochMS BIGINT, durationMS BIGINT,"
      + " responseBytes BIGINT, errorMessage STRING");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern VERSIONED = Pattern.compile("^/?(api/[0-9.]+)/(.*)$");

  private final ConcurrentLinkedQueue<ApiCall> calls = new ConcurrentLinkedQueue<>();

  /** Whether the deployment asks for the trace (off by default). */
  public static boolean enabled(OverwatchDeploymentSpec deployment) {
    return deployment.features != null && Boolean.TRUE.equals(deployment.features.traceApi);
  }

  @Override
  public void onCall(ApiCall call) {
    calls.add(call);
  }

  /** The calls told since the last drain, in the order they were told; the trace is empty afterwards. */
  public List<ApiCall> drain() {
    List<ApiCall> out = new ArrayList<>();
    for (ApiCall c = calls.poll(); c != null; c = calls.poll()) {
      out.add(c);
    }
    return out;
  }

  /** The rows of {@link #SCHEMA} for calls made by one module. */
  public static Dataset<Row> rows(SparkSession spark, List<ApiCall> calls, ModuleSpec module, String organizationId,
      Instant snapshot) {
    List<Row> rows = calls.stream().map(c -> row(c, module, organizationId, snapshot)).toList();
    return spark.createDataFrame(rows, SCHEMA);
  }

  static Row row(ApiCall call, ModuleSpec module, String organizationId, Instant snapshot) {
    Matcher m = VERSIONED.matcher(call.path());
    String version = m.matches() ? m.group(1) : null;
    String endPoint = m.matches() ? m.group(2) : call.path().replaceFirst("^/", "");
    boolean answered = call.status() >= 200 && call.status() < 300;
    byte[] data = answered ? redactedJson(call.response()).getBytes(StandardCharsets.UTF_8) : null;
    return RowFactory.create(endPoint, call.method(), version, batchKeyFilter(call), (long) call.status(), data,
        module.id(), module.name(), organizationId, snapshot.toString(), snapshot.toEpochMilli(), call.page(),
        call.startEpochMs(), call.durationMs(), call.responseBytes(), answered ? null : call.response());
  }

  /** The request's query (GET) or JSON body (POST) as JSON, secret-named fields redacted. */
  static String batchKeyFilter(ApiCall call) {
    if (call.body() != null) {
      return redactedJson(call.body());
    }
    try {
      return JSON.writeValueAsString(Redaction.redact(new TreeMap<>(call.query())));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a string map is always JSON", e);
    }
  }

  /** JSON text with secret-named fields redacted; text that is not JSON is not kept (it could hold anything). */
  static String redactedJson(String text) {
    if (text == null || text.isBlank()) {
      return "";
    }
    try {
      JsonNode node = JSON.readTree(text);
      return node == null ? "" : Redaction.redactTree(node).toString();
    } catch (JsonProcessingException e) {
      return "(not JSON: " + text.length() + " characters, not kept)";
    }
  }
}
