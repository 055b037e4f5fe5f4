package dev.overwatch.jobs.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.overwatch.jobs.sources.EventLogFile.Layout;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds Spark event-log files (inputs.md 4.2) in the two layouts that exist in the wild:
 * Databricks cluster-log delivery ({@code <dest>/<cluster_id>/eventlog/<host>/<context>/eventlo*}) and plain
 * Spark event-log folders ({@code <appId>[.codec][.inprogress]} files and {@code eventlog_v2_<appId>} rolling
 * folders). Also derives the identity of OSS applications from their own events (docs/spark-event-logs.md).
 */
public final class EventLogDiscovery {
  private static final Logger LOG = LoggerFactory.getLogger(EventLogDiscovery.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROLLING_DIR = "eventlog_v2_";
  private static final String SEGMENT = "events_";
  private static final String APP_STATUS = "appstatus_";
  private static final Pattern SEGMENT_INDEX = Pattern.compile("^events_(\\d+)_.*");
  /** Identity events come first in a log; stop looking after this many lines. */
  private static final int IDENTITY_MAX_LINES = 200;

  private final Configuration conf;

  public EventLogDiscovery(Configuration conf) {
    this.conf = conf;
  }

  /** Identity of an OSS application. */
  public record Identity(String clusterId, String sparkContextId) {}

  // ---------------------------------------------------------------- Databricks layout

  /**
   * Files under {@code <destination>/<cluster_id>/eventlog} for every destination and cluster. A prefix
   * that does not exist is skipped; one that cannot be listed is logged and skipped.
   */
  public List<EventLogFile> databricks(Collection<String> destinations, Collection<String> clusterIds) {
    List<EventLogFile> out = new ArrayList<>();
    for (String dest : destinations) {
      for (String cluster : clusterIds) {
        String byCluster = dest + "/" + cluster;
        Path prefix = new Path(byCluster + "/eventlog");
        try {
          FileSystem fs = prefix.getFileSystem(conf);
          if (!fs.exists(prefix)) {
            continue;
          }
          FileStatus[] matched = fs.globStatus(new Path(prefix, "*/*/eventlo*"));
          for (FileStatus st : matched == null ? new FileStatus[0] : matched) {
            if (!st.isFile()) {
              continue;
            }
            Path file = st.getPath();
            Path contextDir = file.getParent();
            String filename = file.toString();
            out.add(new EventLogFile(filename, Layout.DATABRICKS, st.getModificationTime(), st.getLen(), false,
                filename, filename, cluster, contextDir.getName(), byCluster, contextDir.getParent().toString(),
                null));
          }
        } catch (IOException | RuntimeException e) {
          LOG.warn("Cannot list event logs under {}: {}", prefix, e.getMessage());
        }
      }
    }
    out.sort(Comparator.comparing(EventLogFile::filename));
    return out;
  }

  // ---------------------------------------------------------------- OSS layout

  /** Every event-log file of a plain Spark event-log folder (spark.eventLog.dir); empty when absent. */
  public List<EventLogFile> oss(String folder) {
    List<EventLogFile> out = new ArrayList<>();
    Path root = new Path(folder);
    try {
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        LOG.warn("Spark event-log folder {} does not exist", folder);
        return out;
      }
      String byCluster = fs.getFileStatus(root).getPath().toString();
      for (FileStatus st : fs.listStatus(root)) {
        String name = st.getPath().getName();
        if (hidden(name)) {
          continue;
        }
        if (st.isDirectory() && name.startsWith(ROLLING_DIR)) {
          out.addAll(rollingFolder(fs, st, byCluster));
        } else if (st.isFile()) {
          String filename = st.getPath().toString();
          boolean inProgress = name.endsWith(EventLogStreams.IN_PROGRESS);
          String pending = inProgress ? filename : filename + EventLogStreams.IN_PROGRESS;
          out.add(new EventLogFile(filename, Layout.OSS, st.getModificationTime(), st.getLen(), inProgress, pending,
              filename, null, null, byCluster, byCluster, null));
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot list Spark event-log folder {}: {}", folder, e.getMessage());
    }
    out.sort(Comparator.comparing(EventLogFile::filename));
    return out;
  }

  private List<EventLogFile> rollingFolder(FileSystem fs, FileStatus dir, String byCluster) throws IOException {
    String folder = dir.getPath().toString();
    FileStatus[] children = fs.listStatus(dir.getPath());
    // Spark creates appstatus_<app>.inprogress at start and renames it to appstatus_<app> when the app ends.
    boolean inProgress = Arrays.stream(children).map(c -> c.getPath().getName())
        .noneMatch(n -> n.startsWith(APP_STATUS) && !n.endsWith(EventLogStreams.IN_PROGRESS));
    List<EventLogFile> out = new ArrayList<>();
    for (FileStatus st : children) {
      String name = st.getPath().getName();
      // ".compact" files are written by the History Server's compactor and repeat earlier segments' events.
      if (st.isFile() && name.startsWith(SEGMENT) && !name.endsWith(".compact") && !hidden(name)) {
        out.add(new EventLogFile(st.getPath().toString(), Layout.OSS, st.getModificationTime(), st.getLen(),
            inProgress, folder, folder, null, null, byCluster, byCluster, null));
      }
    }
    return out;
  }

  private static boolean hidden(String name) {
    return name.startsWith(".") || name.startsWith("_") || name.endsWith(".crc");
  }

  /** The file of an OSS application that carries its start events (the lowest rolling segment, or the file). */
  public static String firstFileOf(List<EventLogFile> filesOfApp) {
    return filesOfApp.stream().map(EventLogFile::filename)
        .min(Comparator.comparingLong(EventLogDiscovery::segmentIndex).thenComparing(Comparator.naturalOrder()))
        .orElseThrow();
  }

  private static long segmentIndex(String filename) {
    Matcher m = SEGMENT_INDEX.matcher(new Path(filename).getName());
    return m.matches() ? Long.parseLong(m.group(1)) : 0;
  }

  /**
   * Identity of an OSS application from its own SparkListenerEnvironmentUpdate / ApplicationStart events
   * (rule in docs/spark-event-logs.md). Falls back to the application id in the file or folder name.
   */
  public Identity identify(String appKey, String firstFile) throws IOException {
    String nameAppId = appIdFromName(new Path(appKey).getName());
    JsonNode sparkProps = null;
    String appId = null;
    String attemptId = null;
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(
        EventLogStreams.open(new Path(firstFile), conf), StandardCharsets.UTF_8))) {
      String line;
      for (int n = 0; (line = reader.readLine()) != null && n < IDENTITY_MAX_LINES; n++) {
        if (!line.contains("SparkListenerEnvironmentUpdate") && !line.contains("SparkListenerApplicationStart")) {
          continue;
        }
        JsonNode event;
        try {
          event = JSON.readTree(line);
        } catch (IOException e) {
          continue; // a bad line is quarantined by the reader; identity falls back to the name
        }
        String type = event.path("Event").asText("");
        if (type.equals("SparkListenerEnvironmentUpdate")) {
          sparkProps = event.path("Spark Properties");
        } else if (type.equals("SparkListenerApplicationStart")) {
          appId = text(event.path("App ID"));
          attemptId = text(event.path("App Attempt ID"));
        }
        if (sparkProps != null && appId != null) {
          break;
        }
      }
    }
    String propAppId = prop(sparkProps, "spark.app.id");
    String id = appId != null ? appId : propAppId != null ? propAppId : nameAppId;
    String context = Optional.ofNullable(prop(sparkProps, "spark.databricks.sparkContextId"))
        .orElse(attemptId == null ? id : id + "_" + attemptId);
    String cluster = prop(sparkProps, "spark.databricks.clusterUsageTags.clusterId");
    if (cluster == null) {
      String pod = prop(sparkProps, "spark.kubernetes.driver.pod.name");
      String namespace = prop(sparkProps, "spark.kubernetes.namespace");
      if (pod != null) {
        cluster = (namespace == null ? "default" : namespace) + "/" + pod;
      }
    }
    return new Identity(cluster == null ? id : cluster, context);
  }

  /** Application id in a single file's or rolling folder's name. */
  public static String appIdFromName(String name) {
    String base = name.startsWith(ROLLING_DIR) ? name.substring(ROLLING_DIR.length()) : name;
    return EventLogStreams.baseName(base);
  }

  /** A Spark property from the environment's "Spark Properties" (an object; older logs used [[k, v]] pairs). */
  private static String prop(JsonNode props, String key) {
    if (props == null || props.isMissingNode()) {
      return null;
    }
    if (props.isObject()) {
      return text(props.path(key));
    }
    for (JsonNode pair : props) {
      if (pair.isArray() && pair.size() == 2 && key.equals(pair.get(0).asText())) {
        return text(pair.get(1));
      }
    }
    return null;
  }

  private static String text(JsonNode node) {
    return node == null || node.isMissingNode() || node.isNull() || node.asText().isBlank() ? null : node.asText();
  }
}
