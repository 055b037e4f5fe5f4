package dev.overwatch.jobs.sources;

/**
 * One discovered Spark event-log file (a single log, or one segment of a rolling log folder).
 *
 * @param filename fully-qualified path; the tracking key in spark_events_processedFiles
 * @param layout where it was found (Databricks cluster-log delivery or a plain Spark event-log folder)
 * @param fileCreateEpochMS modification time (null when the status could not be read)
 * @param inProgress the application is still writing it (.inprogress file or rolling folder without final appstatus)
 * @param pendingKey the name under which the still-running form of this log is tracked ("<file>.inprogress" or
 *     the rolling folder); a completed file whose pending key was seen in progress is loaded even if its mtime
 *     lies before the window (it completed after that window's run)
 * @param appKey the path that identifies one application's log (the file, or the rolling folder)
 * @param clusterId cluster id from the path (Databricks layout); null for OSS logs until identified
 * @param sparkContextId context directory (Databricks layout); null for OSS logs until identified
 * @param byCluster filenameGroup.byCluster
 * @param byDriverHost filenameGroup.byDriverHost
 */
public record EventLogFile(String filename, Layout layout, Long fileCreateEpochMS, Long fileSize, boolean inProgress,
    String pendingKey, String appKey, String clusterId, String sparkContextId, String byCluster, String byDriverHost,
    String failMsg) {

  /** Directory conventions of event logs. */
  public enum Layout { DATABRICKS, OSS }

  public boolean failed() {
    return failMsg != null;
  }

  public EventLogFile withIdentity(String cluster, String context) {
    return new EventLogFile(filename, layout, fileCreateEpochMS, fileSize, inProgress, pendingKey, appKey, cluster,
        context, byCluster, byDriverHost, failMsg);
  }

  public EventLogFile withFailure(String message) {
    return new EventLogFile(filename, layout, fileCreateEpochMS, fileSize, inProgress, pendingKey, appKey, clusterId,
        sparkContextId, byCluster, byDriverHost, message);
  }
}
