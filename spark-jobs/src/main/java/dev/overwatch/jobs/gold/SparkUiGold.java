package dev.overwatch.jobs.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.TableStore;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.silver.RuntimeStruct;
import java.sql.Timestamp;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** What the Spark UI gold modules share: how they read their silver table and the gold time columns. */
final class SparkUiGold {
  private SparkUiGold() {}

  /**
   * Silver rows that changed since this module's window began: within [fromTS - lagDays, untilTS) on the
   * silver's incremental columns, and written by a silver run after fromTS. A job that started in an
   * earlier window and ended in this one is rewritten by silver's merge (same start, new Pipeline_SnapTS),
   * so gold sees it again and its merge closes the open row; a purely start-time window would miss it.
   * lagDays must cover how far back silver's merge can reach.
   */
  static Dataset<Row> changedSilver(ModuleContext ctx, TargetTable silver, int lagDays) {
    if (!ctx.tableExists(silver)) {
      throw new NoNewDataException(silver.name() + " does not exist yet", true);
    }
    return ctx.readIncremental(silver, lagDays)
        .where(col(TableStore.SNAP_TS).gt(lit(new Timestamp(ctx.window().fromTS()))));
  }

  /** The select list: {@code before}, the time columns of {@code epochMs}, {@code after}. */
  static Column[] withTime(java.util.List<Column> before, Column epochMs, java.util.List<Column> after) {
    java.util.List<Column> all = new java.util.ArrayList<>(before);
    all.addAll(java.util.List.of(timeColumns(epochMs)));
    all.addAll(after);
    return all.toArray(Column[]::new);
  }

  /** unixTimeMS, timestamp (whole seconds) and date of an epoch-ms column (gold.md 1.5). */
  static Column[] timeColumns(Column epochMs) {
    Column ts = RuntimeStruct.secondsTimestamp(epochMs);
    return new Column[] {epochMs.cast("long").as("unixTimeMS"), ts.as("timestamp"), to_date(ts).as("date")};
  }
}
