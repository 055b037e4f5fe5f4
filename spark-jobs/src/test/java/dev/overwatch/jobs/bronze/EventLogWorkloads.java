package dev.overwatch.jobs.bronze;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Child-JVM entry point: runs three tiny Spark applications with event logging on (a SparkContext can
 * enable it only at creation) into args[0]: plain single file, lz4 single file, zstd rolling folder.
 */
public final class EventLogWorkloads {
  private EventLogWorkloads() {}

  public static void main(String[] args) {
    String dir = args[0];
    run(dir, "plain", false, false, "zstd");
    run(dir, "lz4", false, true, "lz4");
    run(dir, "rolling", true, true, "zstd");
  }

  private static void run(String dir, String name, boolean rolling, boolean compress, String codec) {
    SparkSession spark = SparkSession.builder().master("local[2]").appName("workload-" + name)
        .config("spark.eventLog.enabled", "true")
        .config("spark.eventLog.dir", dir)
        .config("spark.eventLog.rolling.enabled", String.valueOf(rolling))
        .config("spark.eventLog.compress", String.valueOf(compress))
        .config("spark.eventLog.compression.codec", codec)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
    try {
      Dataset<Row> df = spark.range(0, 500, 1, 2).selectExpr("id", "id % 5 AS k");
      df.groupBy("k").count().collectAsList();
      spark.sparkContext().setJobGroup("group-" + name, "a job group", false);
      df.join(df.selectExpr("k", "id AS id2"), "k").where("id < id2").count();
      spark.sparkContext().clearJobGroup();
    } finally {
      spark.stop();
    }
  }
}
