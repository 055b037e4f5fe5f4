package dev.overwatch.operator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Deterministic names and labels. Determinism is what makes a restarted operator adopt existing
 * objects instead of creating duplicates.
 */
public final class Names {
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "overwatch-operator";
  public static final String COMPONENT = "overwatch.dev/component";
  public static final String RUN = "overwatch.dev/run";
  public static final String DEPLOYMENT = "overwatch.dev/deployment";
  public static final String LAYER = "overwatch.dev/layer";
  public static final String ATTEMPT = "overwatch.dev/attempt";
  public static final String SCHEDULED_TIME = "overwatch.dev/scheduled-time";
  public static final String RUN_UID = "overwatch.dev/run-uid";
  public static final String DRIVER = "driver";
  /** Label selector of the pod informer: only our driver pods are cached. */
  public static final String DRIVER_SELECTOR = MANAGED_BY + "=" + MANAGED_BY_VALUE + "," + COMPONENT + "=" + DRIVER;

  private Names() {}

  public static String driverPod(String run, String layer, int attempt) {
    return fit(run, "-" + layer + "-" + attempt, 63);
  }

  public static String runConfigMap(String run) {
    return fit(run, "-overwatch", 253);
  }

  public static String sparkAuthSecret(String run) {
    return fit(run, "-spark-auth", 253);
  }

  public static String workloadServiceAccount(String deployment) {
    return fit(deployment, "-spark", 253);
  }

  public static String activeLease(String deployment) {
    return fit(deployment, "-active-run", 253);
  }

  public static String scheduledRun(String deployment, long epochMinute) {
    return fit(deployment, "-" + epochMinute, 253);
  }

  /** A label value (max 63 chars) for an object name that may be longer. */
  public static String labelValue(String name) {
    return fit(name, "", 63);
  }

  /** Environment variable of a workspace token: OVERWATCH_TOKEN_ + upper-cased name, non-alphanumerics as _. */
  public static String tokenEnv(String workspace) {
    return "OVERWATCH_TOKEN_" + workspace.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  /** base + suffix, with base shortened and hashed when the result would exceed max. */
  static String fit(String base, String suffix, int max) {
    if (base.length() + suffix.length() <= max) {
      return base + suffix;
    }
    String hash = sha256(base).substring(0, 8);
    int keep = Math.max(1, max - suffix.length() - hash.length() - 1);
    String head = base.substring(0, Math.min(keep, base.length())).replaceAll("[-.]+$", "");
    return head + "-" + hash + suffix;
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
