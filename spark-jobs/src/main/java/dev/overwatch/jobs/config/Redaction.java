package dev.overwatch.jobs.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one list of configuration keys whose values are secrets (storage account keys, SAS tokens, passwords,
 * OAuth client secrets, private keys), and how they are hidden wherever configuration is stored or printed:
 * pipeline_report.inputConfig, logs, and (through {@code spark.redaction.regex}) Spark's own event logs and UI.
 * References to Kubernetes Secrets ({@code *SecretRef} objects) are not values and stay visible.
 */
public final class Redaction {
  /**
   * Spark's default {@code (?i)secret|password|token|access[.]key} plus the Hadoop/cloud spellings: Azure
   * {@code fs.azure.account.key.*} and SAS, GCS private keys, JDBC/keystore passwords, generic credentials.
   */
  public static final Pattern SECRET_KEY = Pattern.compile(
      "(?i)secret|password|passwd|token|credential|access[._-]?key|account[._-]key|private[._-]?key"
          + "|(^|[._-])sas($|[._-])|signature");
  public static final String REDACTED = "*********(redacted)";

  private Redaction() {}

  public static boolean isSecretKey(String key) {
    return key != null && SECRET_KEY.matcher(key).find();
  }

  /** The value to show for a key: the value itself, or {@link #REDACTED} for a secret key. */
  public static String value(String key, String value) {
    return isSecretKey(key) && value != null ? REDACTED : value;
  }

  /** A copy of a key/value map with the values of secret keys replaced. */
  public static Map<String, String> redact(Map<String, String> conf) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    conf.forEach((k, v) -> out.put(k, value(k, v)));
    return out;
  }

  /** Replaces, in place, every text or number value whose field name is a secret key, at any depth. */
  public static JsonNode redactTree(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (field.getValue().isValueNode() && !field.getValue().isNull() && isSecretKey(field.getKey())) {
          field.setValue(object.textNode(REDACTED));
        } else {
          redactTree(field.getValue());
        }
      }
    } else if (node != null && node.isArray()) {
      node.forEach(Redaction::redactTree);
    }
    return node;
  }
}
