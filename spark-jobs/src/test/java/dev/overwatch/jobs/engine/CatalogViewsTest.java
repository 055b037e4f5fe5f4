package dev.overwatch.jobs.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.jobs.TestSpark;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** A view is re-created only when its query text or its source table's schema changed (issue 12). */
class CatalogViewsTest {

  @Test
  void publishesOnlyChangedViews() {
    SparkSession spark = TestSpark.session();
    Path dir = TestSpark.newDir("views");
    spark.sql("CREATE DATABASE cv_db LOCATION '" + dir.resolve("cv_db").toUri() + "'");
    spark.sql("CREATE TABLE cv_db.src (a INT, b STRING) USING DELTA LOCATION '" + dir.resolve("src").toUri() + "'");
    spark.sql("INSERT INTO cv_db.src VALUES (1, 'x')");
    String query = "SELECT a, b FROM `cv_db`.`src`";

    assertTrue(publish(spark, "v", query), "a missing view is created");
    // The catalog keeps the query text as given, which is what the comparison relies on.
    assertEquals(query, spark.sessionState().catalog().externalCatalog().getTable("cv_db", "v").viewText().get());
    assertFalse(publish(spark, "v", query), "same text over the same source schema: left alone");
    assertFalse(publish(spark, "V", query), "view names are case-insensitive in the catalog");

    assertTrue(publish(spark, "v", query + " WHERE a > 0"), "another text replaces it");
    assertFalse(publish(spark, "v", query + " WHERE a > 0"));

    // A new source column changes the schema the view was created over: re-created, though the text is the same.
    spark.sql("ALTER TABLE cv_db.src ADD COLUMNS (c DOUBLE)");
    assertTrue(publish(spark, "v", query + " WHERE a > 0"));
    assertFalse(publish(spark, "v", query + " WHERE a > 0"));

    // A table of the same name is not a view: replacing it fails as before and the table stays.
    assertFalse(CatalogViews.unchanged(spark.sessionState().catalog().externalCatalog().getTable("cv_db", "src"),
        query, CatalogViews.fingerprint(schema(spark))));
    List<Row> rows = spark.sql("SELECT * FROM cv_db.v").collectAsList();
    assertEquals(List.of(Row.fromSeq(scala.jdk.javaapi.CollectionConverters.asScala(List.<Object>of(1, "x")).toSeq())),
        rows);
  }

  /** As the presentation step does it: one listing, then publish. */
  private static boolean publish(SparkSession spark, String name, String query) {
    CatalogViews views = new CatalogViews(spark);
    views.load("cv_db", List.of(name));
    return views.publish("cv_db", name, query, schema(spark));
  }

  private static StructType schema(SparkSession spark) {
    return spark.table("cv_db.src").schema();
  }
}
