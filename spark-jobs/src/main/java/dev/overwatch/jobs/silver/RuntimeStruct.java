package dev.overwatch.jobs.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.timestamp_seconds;

import java.util.List;
import org.apache.spark.sql.Column;

/**
 * The runtime struct ("subtractTime", modules.md 2; gold.md 1.5): start/end epoch ms, their
 * second-resolution timestamps and the duration in ms, s, min and h; end-based fields are null while open.
 */
public final class RuntimeStruct {
  /** Field names of the RT struct. */
  public static final List<String> RT = List.of("startEpochMS", "startTS", "endEpochMS", "endTS", "runTimeMS",
      "runTimeS", "runTimeM", "runTimeH");
  /** Field names of ExecutorAliveTime (the same struct renamed, gold.md 1.6). */
  public static final List<String> EXECUTOR_ALIVE_TIME = List.of("AddedEpochMS", "AddedTS", "RemovedEpochMS",
      "RemovedTS", "uptimeMS", "uptimeS", "uptimeM", "uptimeH");

  private RuntimeStruct() {}

  public static Column of(Column startEpochMs, Column endEpochMs) {
    return of(startEpochMs, endEpochMs, RT);
  }

  /** The struct with its eight fields named {@code names} (in RT order). */
  public static Column of(Column startEpochMs, Column endEpochMs, List<String> names) {
    Column start = startEpochMs.cast("long");
    Column end = endEpochMs.cast("long");
    Column ms = end.minus(start);
    Column s = ms.cast("double").divide(1000);
    Column m = s.divide(60);
    return struct(start.as(names.get(0)), secondsTimestamp(start).as(names.get(1)), end.as(names.get(2)),
        secondsTimestamp(end).as(names.get(3)), ms.as(names.get(4)), s.as(names.get(5)), m.as(names.get(6)),
        m.divide(60).as(names.get(7)));
  }

  /** Epoch ms as a timestamp truncated to whole seconds in the session zone (pipeline.md 1.3). */
  public static Column secondsTimestamp(Column epochMs) {
    // timestamp_seconds: ANSI mode (Spark 4 default) refuses CAST(bigint AS timestamp).
    return timestamp_seconds(epochMs.cast("long").divide(1000).cast("long"));
  }

  /** Convenience for a column name. */
  public static Column secondsTimestamp(String epochMsColumn) {
    return secondsTimestamp(col(epochMsColumn));
  }
}
