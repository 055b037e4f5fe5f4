package dev.overwatch.jobs.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.jobs.TestSpark;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Databases.ensure creates what is missing, leaves what exists, and refuses a foreign ETL database. */
class DatabasesTest {

  @Test
  void createsOnceAndRefusesForeignDatabase() {
    SparkSession spark = TestSpark.session();
    Path dir = TestSpark.newDir("databases");
    OverwatchDeployment d = TestSpark.deployment(dir, "dbs_etl");
    Pipeline.Databases databases = new Pipeline.Databases(spark, d.getSpec());
    databases.ensure();
    var catalog = spark.sessionState().catalog().externalCatalog();
    assertEquals("TRUE", catalog.getDatabase("dbs_etl").properties().get("OVERWATCHDB").get());
    assertTrue(catalog.databaseExists("dbs_etl_consumer"));
    databases.ensure(); // both exist: nothing to do, no error

    spark.sql("CREATE DATABASE dbs_foreign LOCATION '" + dir.resolve("foreign").toUri() + "'");
    OverwatchDeployment foreign = TestSpark.deployment(dir, "dbs_foreign");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new Pipeline.Databases(spark, foreign.getSpec()).ensure());
    assertTrue(e.getMessage().contains("dbs_foreign exists but was not created by Overwatch"), e.getMessage());
  }
}
