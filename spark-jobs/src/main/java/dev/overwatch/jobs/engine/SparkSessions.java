package dev.overwatch.jobs.engine;

import dev.overwatch.api.v1alpha1.CatalogSpec;
import dev.overwatch.api.v1alpha1.OverwatchDeploymentSpec;
import dev.overwatch.jobs.config.Redaction;
import dev.overwatch.jobs.config.StoragePaths;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the Spark session of a deployment: Delta, the configured catalog, the pinned time zone. */
public final class SparkSessions {
  public static final String CATALOG_PASSWORD_ENV = "OVERWATCH_CATALOG_PASSWORD";
  /** A sparkConf value naming an environment variable instead of holding the value. */
  private static final java.util.regex.Pattern ENV_REFERENCE = java.util.regex.Pattern.compile("\\$\\{env\\.([A-Za-z_][A-Za-z0-9_]*)}");

  private SparkSessions() {}

  /** Settings every Overwatch session needs; the deployment's sparkConf may add to them. */
  public static SparkConf conf(OverwatchDeploymentSpec spec, Map<String, String> env) {
    String prefix = StoragePaths.qualify(spec.storage.prefix);
    SparkConf conf = new SparkConf()
        .setAppName("overwatch")
        .setIfMissing("spark.master", "local[*]")
        .set("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .set("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .set("spark.sql.catalogImplementation", "hive")
        .set("spark.sql.warehouse.dir", prefix + "/warehouse")
        .set("spark.sql.session.timeZone", spec.timeZone)
        .set("spark.databricks.delta.schema.autoMerge.enabled", "true")
        .set("spark.sql.shuffle.partitions", "8")
        .setIfMissing("spark.ui.enabled", "false")
        // Spark's own redaction (event logs, UI, environment dumps) with the project's list of secret keys.
        .set("spark.redaction.regex", Redaction.SECRET_KEY.pattern())
        // Off: Derby's schema is created lazily, and Hive 2.3.10 rejects the 2.3.0 schema of its own line
        // (MetastoreSchema checks the version of a jdbc catalog instead).
        .set("spark.hadoop.hive.metastore.schema.verification", "false");
    CatalogSpec catalog = spec.catalog == null ? new CatalogSpec() : spec.catalog;
    switch (catalog.type) {
      case embedded -> {
        String dir = StoragePaths.localPath(spec.storage.prefix).resolve("catalog").toString();
        conf.set("spark.hadoop.javax.jdo.option.ConnectionURL", "jdbc:derby:;databaseName=" + dir + "/metastore_db;create=true")
            .set("spark.hadoop.datanucleus.schema.autoCreateAll", "true")
            // Hive's direct-SQL path only speeds up partition and column-statistics queries, which Delta tables do
            // not make; starting it runs a dozen probe queries that make DataNucleus create or check as many
            // tables at the first catalog call (issue 12). Hive falls back to JDO for everything.
            .setIfMissing("spark.hadoop.hive.metastore.try.direct.sql", "false");
        System.setProperty("derby.system.home", dir);
      }
      case jdbc -> {
        conf.set("spark.hadoop.javax.jdo.option.ConnectionURL", catalog.jdbc.url)
            .set("spark.hadoop.javax.jdo.option.ConnectionDriverName", "org.postgresql.Driver")
            .set("spark.hadoop.javax.jdo.option.ConnectionUserName", catalog.jdbc.user)
            // MetastoreSchema creates the schema up front: lazy creation deadlocks on PostgreSQL.
            .set("spark.hadoop.datanucleus.schema.autoCreateAll", "false");
        String password = env.get(CATALOG_PASSWORD_ENV);
        if (password != null) {
          conf.set("spark.hadoop.javax.jdo.option.ConnectionPassword", password);
        }
      }
      case thrift -> conf.set("spark.hadoop.hive.metastore.uris", catalog.thriftUri);
    }
    if (spec.spark == null || spec.spark.executors == null || spec.spark.executors == 0) {
      // Local mode: Delta rebuilds each table's snapshot in 50 tasks by default, most of the fixed cost of a
      // module on small tables (quickstart: 108 s -> 79 s per run); the deployment's sparkConf may override.
      conf.set("spark.databricks.delta.snapshotPartitions",
          String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors())));
    }
    if (spec.spark != null && spec.spark.sparkConf != null) {
      // "${env.NAME}" takes the value from the environment (in pods: filled from a Secret), so a credential never
      // sits in the deployment, the run ConfigMap or the pod arguments.
      spec.spark.sparkConf.forEach((k, v) -> {
        java.util.regex.Matcher ref = ENV_REFERENCE.matcher(v == null ? "" : v);
        if (ref.matches() && env.get(ref.group(1)) == null) {
          throw new IllegalArgumentException("spec.spark.sparkConf." + k + " references the environment variable "
              + ref.group(1) + ", which is not set");
        }
        conf.set(k, ref.matches() ? env.get(ref.group(1)) : v);
      });
    }
    return conf;
  }

  /**
   * Closes the embedded (Derby) catalog of a deployment, so that another process can open it: embedded Derby
   * admits one JVM at a time. Does nothing for other catalogs. The session must not use its catalog afterwards.
   */
  public static void closeEmbeddedCatalog(OverwatchDeploymentSpec spec) {
    CatalogSpec catalog = spec.catalog == null ? new CatalogSpec() : spec.catalog;
    if (catalog.type != CatalogSpec.CatalogType.embedded) {
      return;
    }
    String db = StoragePaths.localPath(spec.storage.prefix).resolve("catalog").resolve("metastore_db").toString();
    try {
      java.sql.DriverManager.getConnection("jdbc:derby:;databaseName=" + db + ";shutdown=true").close();
    } catch (java.sql.SQLException e) {
      // Derby reports a successful shutdown of one database as SQLState 08006; anything else is only logged.
      if (!"08006".equals(e.getSQLState())) {
        org.slf4j.LoggerFactory.getLogger(SparkSessions.class).warn("Could not close the embedded catalog {}", db, e);
      }
    }
  }

  /** Creates the session, or reuses the one already active in this JVM (tests share one). */
  public static SparkSession getOrCreate(OverwatchDeploymentSpec spec) {
    SparkConf conf = conf(spec, System.getenv());
    if (spec.catalog != null && spec.catalog.type == CatalogSpec.CatalogType.jdbc) {
      MetastoreSchema.ensure(conf);
    }
    SparkSession session = SparkSession.builder().config(conf).enableHiveSupport().getOrCreate();
    session.conf().set("spark.sql.session.timeZone", spec.timeZone);
    return session;
  }
}
