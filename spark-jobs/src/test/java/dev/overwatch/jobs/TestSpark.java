package dev.overwatch.jobs;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.jobs.config.Deployments;
import dev.overwatch.jobs.engine.SparkSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of the test JVM (starting Spark with Hive costs seconds; a suite that
 * starts it per test does not fit CI). Tests isolate themselves with their own databases and
 * storage prefixes under {@link #newDir(String)}.
 */
public final class TestSpark {
  private static final Holder HOLDER = new Holder();

  private TestSpark() {}

  public static SparkSession session() {
    return HOLDER.session();
  }

  /** A fresh folder under target/ for one test's data. */
  public static Path newDir(String name) {
    try {
      Path base = Path.of("target", "test-data");
      Files.createDirectories(base);
      return Files.createTempDirectory(base.toAbsolutePath(), name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A minimal valid deployment for tests; callers adjust the spec. */
  public static OverwatchDeployment deployment(Path prefix, String etlDb) {
    String yaml = """
        apiVersion: overwatch.dev/v1alpha1
        kind: OverwatchDeployment
        metadata:
          name: test
        spec:
          storage:
            prefix: %s
          etlDatabase: %s
          consumerDatabase: %s_consumer
          workspaces: []
        """.formatted(prefix, etlDb, etlDb);
    return Deployments.parse(yaml, "test");
  }

  /** Lazily-initialised holder: the session starts on first use and lives as long as the JVM. */
  private static final class Holder {
    private SparkSession session;

    synchronized SparkSession session() {
      if (session == null) {
        Path catalog = newDir("catalog");
        OverwatchDeployment d = deployment(catalog, "unused");
        var conf = SparkSessions.conf(d.getSpec(), System.getenv())
            .set("spark.master", "local[2]")
            .set("spark.sql.shuffle.partitions", "2")
            .set("spark.default.parallelism", "2")
            .set("spark.ui.enabled", "false")
            .set("spark.driver.host", "127.0.0.1")
            .set("spark.driver.bindAddress", "127.0.0.1");
        session = SparkSession.builder().config(conf).enableHiveSupport().getOrCreate();
      }
      return session;
    }
  }
}
