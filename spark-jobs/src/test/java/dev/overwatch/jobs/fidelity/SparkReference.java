package dev.overwatch.jobs.fidelity;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.history.EventLogFileReader;
import org.apache.spark.scheduler.ReplayListenerBus;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.sql.execution.ui.SQLAppStatusStore;
import org.apache.spark.sql.execution.ui.SQLExecutionUIData;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.ui.StreamingQueryProgressWrapper;
import org.apache.spark.status.AppHistoryServerPlugin;
import org.apache.spark.status.AppStatusListener;
import org.apache.spark.status.AppStatusStore;
import org.apache.spark.status.ElementTrackingStore;
import org.apache.spark.status.api.v1.ExecutorSummary;
import org.apache.spark.status.api.v1.JobData;
import org.apache.spark.status.api.v1.StageData;
import org.apache.spark.status.api.v1.StageStatus;
import org.apache.spark.status.api.v1.TaskData;
import org.apache.spark.util.kvstore.InMemoryStore;
import org.apache.spark.util.kvstore.KVStoreIterator;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The reference side of the fidelity suite: replays an event log into Spark's own status store the way
 * the History Server rebuilds an application (FsHistoryProvider.rebuildAppStore): Spark's
 * EventLogFileReader lists and decompresses the files (single file or rolling folder),
 * ReplayListenerBus feeds AppStatusListener plus every AppHistoryServerPlugin listener (SQL, streaming)
 * found by ServiceLoader, over an InMemoryStore. The figures are then read back through AppStatusStore,
 * SQLAppStatusStore and the streaming progress entities, i.e. what the Spark UI shows.
 */
public final class SparkReference {
  private SparkReference() {}

  /** Everything compared, for one application. Records compare by value. */
  public record App(String appId, Map<Long, Job> jobs, Map<StageKey, Stage> stages, Map<String, Executor> executors,
      Map<Long, Execution> executions, Set<Batch> batches) {}

  public record Job(long jobId, String status, String jobGroup) {}

  public record StageKey(long stageId, long attemptId) implements Comparable<StageKey> {
    @Override
    public int compareTo(StageKey o) {
      return stageId != o.stageId ? Long.compare(stageId, o.stageId) : Long.compare(attemptId, o.attemptId);
    }
  }

  public record TaskKey(long taskId, long attempt) implements Comparable<TaskKey> {
    @Override
    public int compareTo(TaskKey o) {
      return taskId != o.taskId ? Long.compare(taskId, o.taskId) : Long.compare(attempt, o.attempt);
    }
  }

  /** Per-stage-attempt sums of task metrics, as the stage page shows them. */
  public record Figures(long executorRunTime, long executorCpuTime, long shuffleReadBytes, long shuffleReadRecords,
      long shuffleWriteBytes, long shuffleWriteRecords, long inputBytes, long outputBytes) {}

  public record Stage(StageKey key, Set<TaskKey> tasks, Figures sums) {}

  /** Add and remove times in epoch ms (remove null while alive / never reported). */
  public record Executor(String executorId, long addTime, Long removeTime) {}

  /** Submission and completion in epoch ms; the duration is their difference. */
  public record Execution(long executionId, long start, Long end) {
    public Long durationMs() {
      return end == null ? null : end - start;
    }
  }

  public record Batch(String runId, long batchId) implements Comparable<Batch> {
    @Override
    public int compareTo(Batch o) {
      int c = runId.compareTo(o.runId);
      return c != 0 ? c : Long.compare(batchId, o.batchId);
    }
  }

  /** Replays one application's log (a single file, compressed or not, or an eventlog_v2 folder). */
  public static App replay(java.nio.file.Path log) {
    InMemoryStore kv = replayInto(log);
    try {
      return extract(kv);
    } finally {
      kv.close();
    }
  }

  /** Replays only (for the benchmark); returns the number of jobs, stages and tasks Spark accounted. */
  public static long[] replayCounts(java.nio.file.Path log) {
    InMemoryStore kv = replayInto(log);
    try {
      AppStatusStore store = new AppStatusStore(kv, Option.empty(), Option.empty());
      long tasks = 0;
      List<StageData> stages = CollectionConverters.asJava(store.stageList(null, false, false, store.stageList$default$4(), store.stageList$default$5()));
      for (StageData s : stages) {
        tasks += s.numCompleteTasks() + s.numFailedTasks() + s.numKilledTasks();
      }
      return new long[] {store.jobsList(null).size(), stages.size(), tasks};
    } finally {
      kv.close();
    }
  }

  private static InMemoryStore replayInto(java.nio.file.Path log) {
    SparkConf conf = new SparkConf(false);
    InMemoryStore kv = new InMemoryStore();
    ElementTrackingStore tracking = new ElementTrackingStore(kv, conf);
    ReplayListenerBus bus = new ReplayListenerBus();
    bus.addListener(new AppStatusListener(tracking, conf, false, Option.empty(), Option.empty()));
    for (AppHistoryServerPlugin plugin : ServiceLoader.load(AppHistoryServerPlugin.class,
        SparkReference.class.getClassLoader())) {
      for (SparkListener l : CollectionConverters.asJava(plugin.createListeners(conf, tracking))) {
        bus.addListener(l);
      }
    }
    try {
      FileSystem fs = FileSystem.getLocal(new Configuration());
      Path path = new Path(log.toUri());
      Option<EventLogFileReader> found = EventLogFileReader.apply(fs, path);
      if (found.isEmpty()) {
        throw new IllegalArgumentException("not an event log: " + log);
      }
      EventLogFileReader reader = found.get();
      List<FileStatus> files = CollectionConverters.asJava(reader.listEventLogFiles());
      for (int i = 0; i < files.size(); i++) {
        boolean last = i == files.size() - 1;
        try (InputStream in = EventLogFileReader.openEventLog(files.get(i).getPath(), fs)) {
          bus.replay(in, files.get(i).getPath().toString(), !last || !reader.completed(),
              ReplayListenerBus.SELECT_ALL_FILTER());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    tracking.close(false);
    return kv;
  }

  private static App extract(InMemoryStore kv) {
    AppStatusStore store = new AppStatusStore(kv, Option.empty(), Option.empty());
    String appId = store.applicationInfo().id();

    Map<Long, Job> jobs = new TreeMap<>();
    for (JobData j : CollectionConverters.asJava(store.jobsList(null))) {
      jobs.put((long) j.jobId(), new Job(j.jobId(), j.status().name(), j.jobGroup().isDefined() ? j.jobGroup().get() : null));
    }

    // Stages that ran (a stage reused from an earlier shuffle is SKIPPED: never submitted, no events).
    Map<StageKey, Stage> stages = new TreeMap<>();
    for (StageData s : CollectionConverters.asJava(store.stageList(null, false, false, store.stageList$default$4(), store.stageList$default$5()))) {
      if (s.status() == StageStatus.SKIPPED || s.status() == StageStatus.PENDING) {
        continue;
      }
      StageKey key = new StageKey(s.stageId(), s.attemptId());
      Set<TaskKey> tasks = new TreeSet<>();
      for (TaskData t : CollectionConverters.asJava(store.taskList(s.stageId(), s.attemptId(), Integer.MAX_VALUE))) {
        tasks.add(new TaskKey(t.taskId(), t.attempt()));
      }
      stages.put(key, new Stage(key, tasks, new Figures(s.executorRunTime(), s.executorCpuTime(), s.shuffleReadBytes(),
          s.shuffleReadRecords(), s.shuffleWriteBytes(), s.shuffleWriteRecords(), s.inputBytes(), s.outputBytes())));
    }

    Map<String, Executor> executors = new TreeMap<>();
    for (ExecutorSummary e : CollectionConverters.asJava(store.executorList(false))) {
      Option<Date> removed = e.removeTime();
      executors.put(e.id(), new Executor(e.id(), e.addTime().getTime(),
          removed.isDefined() ? removed.get().getTime() : null));
    }

    Map<Long, Execution> executions = new TreeMap<>();
    for (SQLExecutionUIData x : CollectionConverters.asJava(new SQLAppStatusStore(kv, Option.empty()).executionsList())) {
      Option<Date> end = x.completionTime();
      executions.put(x.executionId(), new Execution(x.executionId(), x.submissionTime(),
          end.isDefined() ? end.get().getTime() : null));
    }

    Set<Batch> batches = new TreeSet<>();
    try (KVStoreIterator<StreamingQueryProgressWrapper> it = kv.view(StreamingQueryProgressWrapper.class).closeableIterator()) {
      while (it.hasNext()) {
        StreamingQueryProgress p = it.next().progress();
        batches.add(new Batch(p.runId().toString(), p.batchId()));
      }
    } catch (Exception e) {
      throw new IllegalStateException("reading streaming progress", e);
    }
    return new App(appId, jobs, stages, executors, executions, batches);
  }
}
