package dev.overwatch.jobs.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.jobs.AuditFixtures;
import dev.overwatch.jobs.ChildJvm;
import dev.overwatch.jobs.TestSpark;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The jdbc catalog against a real PostgreSQL server: tables registered by one process are seen by the next. */
class JdbcCatalogTest {
  @Test
  @org.junit.jupiter.api.Disabled("Blocked: Spark's Hive 2.3 metastore client creates its schema lazily through DataNucleus;"
      + " on PostgreSQL the ALTER TABLE ... ADD CONSTRAINT of a lazily created table waits forever on a lock held by"
      + " the metastore's own open transaction (seen in pg_stat_activity). Needs the schema pre-created (Hive schematool"
      + " SQL) before the first session; see the issue note.")
  void metastoreOnPostgres() throws Exception {
    Path dir = TestSpark.newDir("jdbc");
    Path audit = dir.resolve("audit");
    AuditFixtures.writeDay(audit, LocalDate.of(2026, 11, 1), 8, "a");
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).setCleanDataDirectory(true).start()) {
      try (Connection c = pg.getPostgresDatabase().getConnection()) {
        c.createStatement().execute("CREATE DATABASE metastore");
      }
      Path deployment = dir.resolve("deployment.yaml");
      Files.writeString(deployment, """
          apiVersion: overwatch.dev/v1alpha1
          kind: OverwatchDeployment
          metadata: {name: jdbc}
          spec:
            storage: {prefix: %s}
            scopes: [audit]
            primordialDate: "2026-11-01"
            catalog:
              type: jdbc
              jdbc:
                url: jdbc:postgresql://localhost:%d/metastore
                user: postgres
                passwordSecretRef: {name: metastore, key: password}
            workspaces:
              - name: demo
                organizationId: "42"
                auditLogs: {path: %s}
          """.formatted(dir.resolve("store"), pg.getPort(), audit));
      Map<String, String> env = Map.of(SparkSessions.CATALOG_PASSWORD_ENV, "postgres");
      ChildJvm.Result run = ChildJvm.run(env, "run", "--deployment", deployment.toString(), "--layer", "bronze",
          "--snapshot-time", "2026-11-02T00:00:00Z");
      assertEquals(0, run.exitCode(), run.output());

      ChildJvm.Result query = ChildJvm.run(env, "sql", "--deployment", deployment.toString(), "--format", "csv",
          "SELECT count(*) AS n FROM overwatch_etl.audit_log_bronze");
      assertEquals(0, query.exitCode(), query.output());
      assertTrue(query.output().contains("n\n8"), query.output());

      Set<String> tables = new HashSet<>();
      try (Connection c = pg.getDatabase("postgres", "metastore").getConnection();
          ResultSet rs = c.createStatement().executeQuery("SELECT \"TBL_NAME\" FROM \"TBLS\"")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      assertTrue(tables.containsAll(Set.of("audit_log_bronze", "pipeline_report", "pipreport")), tables.toString());
    }
  }
}
