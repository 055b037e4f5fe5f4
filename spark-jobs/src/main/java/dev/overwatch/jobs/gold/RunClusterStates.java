package dev.overwatch.jobs.gold;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The run-by-cluster-state set of jobRunCostPotentialFact (costs.md 4.2-4.4): which cluster states each run
 * overlapped (init, intermediate, terminal), its runtime in each, the concurrency with other runs of the same
 * cluster state and the state's costs scaled by the run's share. Two shares are computed: the original's
 * (faithful, for parity; 4.3 note) and an exact time-sliced share (decision 65) whose costs add up, over all
 * runs sharing a cluster state, to the state's cost over the time those runs occupied it.
 */
final class RunClusterStates {
  static final double MS_PER_H = 3_600_000d;
  /** Cost columns of a cluster state that are scaled by a run's share (costs.md 4.4), in output order. */
  static final List<String> SCALED = List.of("driver_compute_cost", "driver_dbu_cost", "worker_compute_cost",
      "worker_dbu_cost", "total_dbus");
  /** Suffix of the redefined (exact-share) columns, presentation.md 6. */
  static final String EXACT = "_v0900";
  static final List<String> STATE_KEY = List.of("organization_id", "cluster_id", "unixTimeMS_state_start", "stateEnd");

  private RunClusterStates() {}

  /**
   * @param runs one row per run: organization_id, run_id, cluster_id, orig_cluster_type, runStart, runEnd
   * @param states clusterStateFact rows: organization_id, cluster_id, unixTimeMS_state_start, stateEnd, state,
   *     uptime_in_state_H, cluster_state_worker_potential_core_H, cost columns and the state attributes
   * @return one row per (run, overlapped state) with runtime_in_cluster_state, worker_potential_core_H,
   *     overlapping_run_states, run_state_utilization, the scaled costs and their exact-share versions
   */
  static Dataset<Row> of(Dataset<Row> runs, Dataset<Row> states) {
    Dataset<Row> pairs = runs.join(states, scala(List.of("organization_id", "cluster_id")), "inner");
    Column start = col("unixTimeMS_state_start");
    Column runStart = col("runStart");
    Column runEnd = col("runEnd");
    Column before = start.leq(runStart);
    // init: the latest state starting at or before the run start, else the first one after (4.2).
    Column initRank = row_number().over(Window.partitionBy("organization_id", "run_id", "cluster_id").orderBy(
        when(before, lit(0)).otherwise(lit(1)), when(before, start.multiply(-1)).otherwise(start)));
    // terminal: the first state (by end) ending at or after the run end.
    Column endsAfter = col("stateEnd").geq(runEnd);
    Column terminalRank = row_number().over(Window.partitionBy("organization_id", "run_id", "cluster_id").orderBy(
        when(endsAfter, lit(0)).otherwise(lit(1)), col("stateEnd"), start));
    pairs = pairs.withColumn("isInit", initRank.equalTo(1))
        .withColumn("isTerminal", terminalRank.equalTo(1).and(endsAfter).and(start.leq(runEnd)).and(not(col("isInit"))))
        .withColumn("isIntermediate", start.gt(runStart).and(col("stateEnd").lt(runEnd))
            .and(not(col("isInit"))).and(not(col("isTerminal"))))
        .where(col("isInit").or(col("isTerminal")).or(col("isIntermediate")))
        .withColumn("rsStart", greatest(start, runStart))
        .withColumn("rsEnd", least(col("stateEnd"), runEnd));
    Column wholeState = col("state").isin("CREATING", "STARTING").or(col("orig_cluster_type").equalTo("new"));
    Column runtime = when(col("isInit"), when(wholeState, col("uptime_in_state_H").multiply(MS_PER_H))
            .otherwise(col("rsEnd").minus(runStart)))
        .when(col("isTerminal"), runEnd.minus(col("rsStart")))
        .otherwise(col("stateEnd").minus(start));
    Column stateMs = col("uptime_in_state_H").multiply(MS_PER_H);
    pairs = pairs.withColumn("runtime_in_cluster_state", greatest(runtime.cast("double"), lit(0d)))
        .withColumn("worker_potential_core_H", when(col("uptime_in_state_H").gt(0),
            col("runtime_in_cluster_state").divide(MS_PER_H)
                .multiply(col("cluster_state_worker_potential_core_H").divide(col("uptime_in_state_H")))))
        .withColumn("participates", col("orig_cluster_type").isin("existing", "job_cluster"))
        // A run charged for a whole start-up state shares it from the state's start (exact shares).
        .withColumn("shareStart", when(col("isInit").and(wholeState), start).otherwise(col("rsStart")));

    // Used three times (shares, concurrency, slices): computed once, with a short plan downstream.
    pairs = pairs.localCheckpoint(true);
    Dataset<Row> rbs = pairs.join(concurrency(pairs), scala(List.of("organization_id", "run_id", "cluster_id",
        "unixTimeMS_state_start", "stateEnd")), "left")
        .join(exactShares(pairs), scala(List.of("organization_id", "run_id", "cluster_id", "unixTimeMS_state_start",
            "stateEnd")), "left");
    Column stateUtil = when(stateMs.gt(0), col("runtime_in_cluster_state").divide(stateMs));
    Column runShare = least(when(col("cum_runtime_in_cluster_state").gt(0),
        col("runtime_in_cluster_state").divide(col("cum_runtime_in_cluster_state"))), lit(1.0d));
    // Exact share of the state: the run's time-sliced milliseconds (participants) or its runtime (others).
    Column exactMs = when(col("participates"), coalesce(col("exact_ms"), lit(0d))).otherwise(col("runtime_in_cluster_state"));
    rbs = rbs.withColumn("state_utilization_percent", stateUtil)
        .withColumn("run_state_utilization", runShare)
        .withColumn("f", col("state_utilization_percent").multiply(col("run_state_utilization")))
        .withColumn("f" + EXACT, when(stateMs.gt(0), least(exactMs.divide(stateMs), lit(1.0d))))
        .withColumn("run_state_utilization" + EXACT, when(col("runtime_in_cluster_state").gt(0),
            least(exactMs.divide(col("runtime_in_cluster_state")), lit(1.0d))).otherwise(lit(1.0d)));
    // One projection for both share versions (a withColumn per column re-analyses the whole plan each time).
    List<Column> out = new java.util.ArrayList<>(List.of(col("*")));
    for (String suffix : List.of("", EXACT)) {
      Column f = col("f" + suffix);
      for (String c : SCALED) {
        out.add(col("state_" + c).multiply(f).as(c + suffix));
      }
      Column driverCompute = col("state_driver_compute_cost").multiply(f);
      Column driverDbu = col("state_driver_dbu_cost").multiply(f);
      Column workerCompute = col("state_worker_compute_cost").multiply(f);
      Column workerDbu = col("state_worker_dbu_cost").multiply(f);
      out.add(driverCompute.plus(driverDbu).as("total_driver_cost" + suffix));
      out.add(workerCompute.plus(workerDbu).as("total_worker_cost" + suffix));
      out.add(driverCompute.plus(workerCompute).as("total_compute_cost" + suffix));
      out.add(driverDbu.plus(workerDbu).as("total_dbu_cost" + suffix));
      out.add(driverCompute.plus(driverDbu).plus(workerCompute.plus(workerDbu)).as("total_cost" + suffix));
    }
    rbs = rbs.select(out.toArray(Column[]::new));
    return rbs;
  }

  /**
   * costs.md 4.3 as the original computes it: for each participating row o, the contributions of every row l
   * of the same cluster state (o included), their sum and count - 1.
   */
  static Dataset<Row> concurrency(Dataset<Row> pairs) {
    Dataset<Row> p = pairs.where(col("participates")).select("organization_id", "run_id", "cluster_id",
        "unixTimeMS_state_start", "stateEnd", "rsStart", "rsEnd");
    Dataset<Row> o = p.as("o");
    Dataset<Row> l = p.as("l");
    Column same = lit(true);
    for (String k : STATE_KEY) {
      same = same.and(col("o." + k).equalTo(col("l." + k)));
    }
    Column oS = col("o.rsStart"), oE = col("o.rsEnd"), lS = col("l.rsStart"), lE = col("l.rsEnd");
    Column contribution = when(lS.lt(oS).and(oS.lt(lE)).and(lE.lt(oE)), lE.minus(col("o.unixTimeMS_state_start")))
        .when(oS.lt(lS).and(lS.lt(oE)).and(lE.gt(oE)), col("l.stateEnd").minus(oS))
        .when(oS.leq(lS).and(lS.leq(oE)).and(oS.leq(lE)).and(lE.leq(oE)), lE.minus(oS));
    return o.join(l, same, "inner").withColumn("contribution", contribution)
        .groupBy(col("o.organization_id").as("organization_id"), col("o.run_id").as("run_id"),
            col("o.cluster_id").as("cluster_id"), col("o.unixTimeMS_state_start").as("unixTimeMS_state_start"),
            col("o.stateEnd").as("stateEnd"))
        .agg(sum("contribution").cast("double").as("cum_runtime_in_cluster_state"),
            count("contribution").minus(1).as("overlapping_run_states"));
  }

  /**
   * Exact shares: the part of a cluster state between its participating runs' boundaries is cut into slices;
   * each slice is shared equally by the runs active in it, so the runs' shares of a slice add up to the slice.
   */
  static Dataset<Row> exactShares(Dataset<Row> pairs) {
    Dataset<Row> p = pairs.where(col("participates")).select(col("organization_id"), col("run_id"),
            col("cluster_id"), col("unixTimeMS_state_start"), col("stateEnd"), col("shareStart").as("rsStart"),
            col("rsEnd"))
        .where(col("rsEnd").gt(col("rsStart")));
    Dataset<Row> points = p.select(col("organization_id"), col("cluster_id"), col("unixTimeMS_state_start"),
            col("stateEnd"), col("rsStart").as("point"))
        .union(p.select(col("organization_id"), col("cluster_id"), col("unixTimeMS_state_start"), col("stateEnd"),
            col("rsEnd").as("point"))).distinct();
    Dataset<Row> slices = points.withColumn("sliceEnd", lead("point", 1).over(
            Window.partitionBy("organization_id", "cluster_id", "unixTimeMS_state_start", "stateEnd").orderBy("point")))
        .where(col("sliceEnd").isNotNull()).withColumnRenamed("point", "sliceStart");
    Column same = lit(true);
    for (String k : STATE_KEY) {
      same = same.and(col("p." + k).equalTo(col("s." + k)));
    }
    Dataset<Row> covered = p.as("p").join(slices.as("s"), same.and(col("p.rsStart").leq(col("s.sliceStart")))
            .and(col("p.rsEnd").geq(col("s.sliceEnd"))), "inner")
        .select(col("p.organization_id").as("organization_id"), col("p.run_id").as("run_id"),
            col("p.cluster_id").as("cluster_id"), col("p.unixTimeMS_state_start").as("unixTimeMS_state_start"),
            col("p.stateEnd").as("stateEnd"), col("s.sliceStart").as("sliceStart"), col("s.sliceEnd").as("sliceEnd"));
    // A run has one row per cluster state, so the rows of a slice are its active runs.
    Column active = count(lit(1)).over(Window.partitionBy("organization_id", "cluster_id", "unixTimeMS_state_start",
        "stateEnd", "sliceStart"));
    return covered.withColumn("active", active)
        .withColumn("share_ms", col("sliceEnd").minus(col("sliceStart")).cast("double").divide(col("active")))
        .groupBy("organization_id", "run_id", "cluster_id", "unixTimeMS_state_start", "stateEnd")
        .agg(sum("share_ms").as("exact_ms"));
  }

  static scala.collection.immutable.Seq<String> scala(List<String> names) {
    return scala.jdk.javaapi.CollectionConverters.asScala(names).toList();
  }
}
