package dev.overwatch.jobs.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Turns configured locations into Hadoop paths; relative local paths resolve against the working directory. */
public final class StoragePaths {
  private static final List<String> REMOTE_SCHEMES = List.of("s3a://", "s3://", "abfss://", "abfs://", "gs://", "hdfs://", "dbfs:/");

  private StoragePaths() {}

  public static boolean isKnownScheme(String location) {
    String lower = location.toLowerCase(Locale.ROOT);
    if (REMOTE_SCHEMES.stream().anyMatch(lower::startsWith) || lower.startsWith("file:/")) {
      return true;
    }
    return !lower.matches("^[a-z][a-z0-9+.-]*:.*");
  }

  public static boolean isLocal(String location) {
    String lower = location.toLowerCase(Locale.ROOT);
    return lower.startsWith("file:/") || !lower.matches("^[a-z][a-z0-9+.-]*:.*");
  }

  /** Absolute, fully-qualified form without a trailing slash (file:/abs/path for local paths). */
  public static String qualify(String location) {
    String trimmed = location.endsWith("/") && location.length() > 1 ? location.substring(0, location.length() - 1) : location;
    if (!isLocal(trimmed) || trimmed.startsWith("file:")) {
      return trimmed;
    }
    return "file:" + Path.of(trimmed).toAbsolutePath().normalize();
  }

  /** The local file-system path of a local location. */
  public static Path localPath(String location) {
    String q = qualify(location);
    return Path.of(q.substring("file:".length()));
  }

  public static String join(String base, String... parts) {
    StringBuilder sb = new StringBuilder(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
    for (String p : parts) {
      sb.append('/').append(p);
    }
    return sb.toString();
  }
}
