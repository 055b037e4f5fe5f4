package dev.overwatch.jobs.fidelity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeoutException;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;

/**
 * Child-JVM entry point of the fidelity suite and of the Spark 3.5 fixture generator: real Spark
 * applications with event logging on (a SparkContext can only enable it when it starts).
 *
 * <p>Usage: {@code FidelityWorkloads <eventLogDir> <workDir> <layout>...} with layouts
 * {@code rolling} (Spark 4 default: rolling eventlog_v2 folder, zstd), {@code plain} (one uncompressed
 * file), {@code lz4}, {@code snappy}, {@code zstd} (one compressed file) and
 * {@code <layout>-compact} (adaptive query execution off: a smaller log) and
 * {@code bench:<jobs>:<partitions>} (a plain log with many tasks, for the benchmark). Uses only public
 * Spark API present in 3.5 and 4.0, so bin/generate-spark35-fixture compiles this very file against
 * Spark 3.5.
 *
 * <p>Every application runs: SQL with a shuffle join and aggregations under a job group, a cached
 * dataset, a Parquet write and read (output and input metrics), a task that fails on its first attempt
 * and is retried, and a structured-streaming query of three micro-batches (Trigger.AvailableNow).
 */
public final class FidelityWorkloads {
  private FidelityWorkloads() {}

  public static void main(String[] args) throws Exception {
    Path logDir = Path.of(args[0]);
    Path work = Path.of(args[1]);
    Files.createDirectories(logDir);
    for (int i = 2; i < args.length; i++) {
      String layout = args[i];
      if (layout.startsWith("bench:")) {
        String[] p = layout.split(":");
        bench(logDir, work.resolve("bench"), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
      } else {
        full(logDir, work.resolve(layout), layout);
      }
    }
  }

  private static SparkSession session(Path logDir, String name, String layoutArg) {
    // "<layout>-compact": adaptive execution off, fewer plan-update events (the committed 3.5 fixture stays small)
    boolean compact = layoutArg.endsWith("-compact");
    String layout = compact ? layoutArg.substring(0, layoutArg.length() - "-compact".length()) : layoutArg;
    SparkSession.Builder b = SparkSession.builder()
        // two threads, a task may fail once (spark.task.maxFailures = 2)
        .master("local[2,2]").appName("fidelity-" + name)
        .config("spark.eventLog.enabled", "true")
        .config("spark.eventLog.dir", logDir.toUri().toString())
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.autoBroadcastJoinThreshold", "-1")
        .config("spark.sql.streaming.noDataProgressEventInterval", "600000")
        .config("spark.sql.adaptive.enabled", String.valueOf(!compact));
    switch (layout) {
      case "rolling" -> b.config("spark.eventLog.rolling.enabled", "true").config("spark.eventLog.compress", "true")
          .config("spark.eventLog.compression.codec", "zstd");
      case "plain" -> b.config("spark.eventLog.rolling.enabled", "false").config("spark.eventLog.compress", "false");
      case "lz4", "snappy", "zstd" -> b.config("spark.eventLog.rolling.enabled", "false")
          .config("spark.eventLog.compress", "true").config("spark.eventLog.compression.codec", layout);
      default -> throw new IllegalArgumentException("unknown layout " + layout);
    }
    return b.getOrCreate();
  }

  private static void full(Path logDir, Path work, String layout) throws IOException, TimeoutException,
      StreamingQueryException {
    SparkSession spark = session(logDir, layout, layout);
    try {
      Files.createDirectories(work);
      // SQL with a shuffle join and aggregations, in a job group.
      spark.sparkContext().setJobGroup("fidelity-group", "joins and shuffles", false);
      Dataset<Row> orders = spark.range(0, 2000, 1, 4).selectExpr("id AS order_id", "id % 50 AS cust",
          "(id * 37) % 101 AS amount");
      Dataset<Row> customers = spark.range(0, 50, 1, 2).selectExpr("id AS cust", "concat('c', id) AS name");
      orders.createOrReplaceTempView("orders");
      customers.createOrReplaceTempView("customers");
      spark.sql("SELECT c.name, count(*) AS n, sum(o.amount) AS total FROM orders o JOIN customers c "
          + "ON o.cust = c.cust GROUP BY c.name ORDER BY total DESC").collectAsList();
      spark.sparkContext().clearJobGroup();

      // A cached dataset used twice.
      Dataset<Row> cached = orders.where("amount > 10").cache();
      cached.count();
      cached.groupBy("cust").count().collectAsList();
      cached.unpersist(true);

      // Output then input metrics.
      String parquet = work.resolve("orders.parquet").toUri().toString();
      orders.write().mode("overwrite").parquet(parquet);
      spark.read().parquet(parquet).where("amount > 50").count();

      // A task that fails on its first attempt and succeeds on the retry (after a shuffle).
      UserDefinedFunction flaky = udf((UDF1<Long, Long>) v -> {
        TaskContext tc = TaskContext.get();
        if (tc.attemptNumber() == 0 && tc.partitionId() == 0) {
          throw new IllegalStateException("fidelity: injected first-attempt failure");
        }
        return v * 2;
      }, DataTypes.LongType);
      spark.range(0, 200, 1, 2).repartition(2, col("id")).select(flaky.apply(col("id")).as("v"))
          .agg(org.apache.spark.sql.functions.sum("v")).collectAsList();

      // Structured streaming: three files, one per micro-batch.
      Path in = Files.createDirectories(work.resolve("stream-in"));
      for (int f = 0; f < 3; f++) {
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < 5; r++) {
          sb.append("{\"v\":").append(f * 10 + r).append("}\n");
        }
        Files.writeString(in.resolve("part-" + f + ".json"), sb.toString(), StandardCharsets.UTF_8);
      }
      StreamingQuery q = spark.readStream().schema("v LONG").option("maxFilesPerTrigger", "1")
          .json(in.toUri().toString()).selectExpr("v * 2 AS w")
          .writeStream().format("memory").queryName("fidelity_stream_" + layout.replace('-', '_'))
          .option("checkpointLocation", work.resolve("checkpoint").toUri().toString())
          .trigger(Trigger.AvailableNow()).start();
      q.awaitTermination();
    } finally {
      spark.stop();
    }
  }

  /** Many small tasks: about 2-3 KB of event log per task. */
  private static void bench(Path logDir, Path work, int jobs, int partitions) throws IOException {
    SparkSession spark = session(logDir, "bench", "plain");
    try {
      Files.createDirectories(work);
      spark.sparkContext().setJobGroup("bench-group", "benchmark", false);
      for (int j = 0; j < jobs; j++) {
        spark.range(0, partitions * 100L, 1, partitions).selectExpr("id", "id % 97 AS k")
            .repartition(partitions, col("k")).groupBy("k").count().collectAsList();
      }
    } finally {
      spark.stop();
    }
  }
}
