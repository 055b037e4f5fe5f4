package dev.overwatch.jobs;

import dev.overwatch.api.v1alpha1.OverwatchDeploymentSpec;
import dev.overwatch.api.v1alpha1.StorageSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The one local SparkSession of the test JVM (Delta + embedded catalog under a temp storage prefix). */
public final class TestSpark {
  private static SparkSession session;
  private static Path root;

  private TestSpark() {}

  public static synchronized SparkSession get() {
    if (session == null) {
      try {
        root = Files.createTempDirectory("overwatch-test-");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      SparkConf conf = dev.overwatch.jobs.engine.SparkSessions.conf(spec("overwatch_etl"), Map.of())
          .set("spark.master", "local[2]")
          .set("spark.sql.shuffle.partitions", "2")
          .set("spark.driver.host", "127.0.0.1")
          .set("spark.driver.bindAddress", "127.0.0.1")
          .set("spark.ui.enabled", "false");
      session = SparkSession.builder().config(conf).enableHiveSupport().getOrCreate();
    }
    return session;
  }

  /** Temp folder of this JVM's session (storage prefix, catalog); tests put their inputs below it too. */
  public static synchronized Path root() {
    get();
    return root;
  }

  /** A deployment spec on the shared storage prefix with its own ETL database. */
  public static OverwatchDeploymentSpec spec(String etlDatabase) {
    OverwatchDeploymentSpec spec = new OverwatchDeploymentSpec();
    spec.storage = new StorageSpec();
    spec.storage.prefix = root.resolve("storage").toString();
    spec.etlDatabase = etlDatabase;
    spec.consumerDatabase = etlDatabase + "_consumer";
    return spec;
  }
}
