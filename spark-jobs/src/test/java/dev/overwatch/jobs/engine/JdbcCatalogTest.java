package dev.overwatch.jobs.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.jobs.AuditFixtures;
import dev.overwatch.jobs.ChildJvm;
import dev.overwatch.jobs.TestSpark;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The jdbc catalog against a real PostgreSQL server: tables registered by one process are seen by the next. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdbcCatalogTest {
  /** Generous: a loaded 2-core CI machine is slow; a lock wait is caught much sooner by {@link #lockWait}. */
  private static final Duration CHILD_TIMEOUT = Duration.ofMinutes(5);
  /** No metastore statement waits this long on a lock unless it is the lazy-schema deadlock. */
  private static final int LOCK_WAIT_SECONDS = 20;
  /** The embedded server trusts local connections; a distinctive value lets the test look for it in logs. */
  private static final String PASSWORD = "pw-4f8a1c-never-logged";

  private Path dir;
  private EmbeddedPostgres pg;

  @BeforeAll
  void startPostgres() throws Exception {
    dir = TestSpark.newDir("jdbc");
    pg = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).setCleanDataDirectory(true).start();
  }

  @AfterAll
  void stopPostgres() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void metastoreOnPostgres() throws Exception {
    Path audit = dir.resolve("audit");
    AuditFixtures.writeDay(audit, LocalDate.of(2026, 11, 1), 8, "a");
    createDatabase("metastore");
    Path deployment = writeDeployment("deployment.yaml", "postgres", audit);
    Map<String, String> env = Map.of(SparkSessions.CATALOG_PASSWORD_ENV, PASSWORD);
    ChildJvm.Result run = child(env, "run", "--deployment", deployment.toString(), "--layer", "bronze",
        "--snapshot-time", "2026-11-02T00:00:00Z");
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("Created the Hive 2.3.0 metastore schema"), run.output());

    // Once the schema exists, a role with data privileges only (no CREATE) is enough for a session.
    try (Connection c = pg.getDatabase("postgres", "metastore").getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE overwatch_app LOGIN");
      s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO overwatch_app");
    }
    Path readerDeployment = writeDeployment("deployment-app.yaml", "overwatch_app", audit);
    ChildJvm.Result query = child(env, "sql", "--deployment", readerDeployment.toString(), "--format", "csv",
        "SELECT count(*) AS n FROM overwatch_etl.audit_log_bronze");
    assertEquals(0, query.exitCode(), query.output());
    assertTrue(query.output().contains("n\n8"), query.output());
    assertTrue(!query.output().contains("Created the Hive"), "the second process must reuse the schema");
    assertTrue(!run.output().contains(PASSWORD) && !query.output().contains(PASSWORD), "the password was logged");

    Set<String> tables = new HashSet<>();
    try (Connection c = pg.getDatabase("postgres", "metastore").getConnection();
        ResultSet rs = c.createStatement().executeQuery("SELECT \"TBL_NAME\" FROM \"TBLS\"")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    assertTrue(tables.containsAll(Set.of("audit_log_bronze", "pipeline_report", "pipreport")), tables.toString());
  }

  /** Threads stand in for processes: each has its own PostgreSQL session, which is what the advisory lock sees. */
  @Test
  void concurrentStartsCreateTheSchemaOnce() throws Exception {
    createDatabase("race");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CyclicBarrier start = new CyclicBarrier(2);
      List<Future<?>> starts = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        starts.add(pool.submit(() -> {
          start.await();
          MetastoreSchema.ensure(settings("race"), Duration.ofSeconds(90));
          return null;
        }));
      }
      for (Future<?> f : starts) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    try (Connection c = pg.getDatabase("postgres", "race").getConnection(); Statement s = c.createStatement()) {
      assertEquals(List.of("2.3.0"), column(s, "SELECT \"SCHEMA_VERSION\" FROM \"VERSION\""));
      List<String> tables = column(s, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
      assertTrue(tables.containsAll(List.of("DBS", "TBLS", "TBL_PRIVS", "TABLE_PARAMS", "PARTITIONS", "SEQUENCE_TABLE")),
          tables.toString());
      // Constraints were created up front too: nothing is left for a session to add lazily.
      List<String> fks = column(s, "SELECT conname FROM pg_constraint WHERE contype = 'f'"
          + " AND conrelid = to_regclass('\"TBL_PRIVS\"')");
      assertTrue(!fks.isEmpty(), "TBL_PRIVS has no foreign keys");
    }
    // Idempotent: an initialised database is only read.
    MetastoreSchema.ensure(settings("race"), Duration.ofSeconds(1));
  }

  @Test
  void waitForAnotherInitialiserIsBounded() throws Exception {
    createDatabase("locked");
    try (Connection holder = pg.getDatabase("postgres", "locked").getConnection(); Statement s = holder.createStatement()) {
      s.execute("SELECT pg_advisory_lock(" + MetastoreSchema.LOCK_KEY + ")");
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> MetastoreSchema.ensure(settings("locked"), Duration.ofSeconds(1)));
      assertTrue(e.getMessage().contains("another process"), e.getMessage());
    }
    // The holder's session ended, so its lock is gone.
    MetastoreSchema.ensure(settings("locked"), Duration.ofSeconds(30));
  }

  @Test
  void refusesASchemaOfAnotherHiveLine() throws Exception {
    createDatabase("hive3");
    try (Connection c = pg.getDatabase("postgres", "hive3").getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE \"VERSION\" (\"VER_ID\" bigint PRIMARY KEY, \"SCHEMA_VERSION\" varchar(127) NOT NULL,"
          + " \"VERSION_COMMENT\" varchar(255))");
      s.execute("INSERT INTO \"VERSION\" VALUES (1, '3.1.0', 'Hive release version 3.1.0')");
    }
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> MetastoreSchema.ensure(settings("hive3"), Duration.ofSeconds(1)));
    assertTrue(e.getMessage().contains("3.1.0"), e.getMessage());
  }

  private Path writeDeployment(String file, String user, Path audit) throws Exception {
    Path deployment = dir.resolve(file);
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
              user: %s
              passwordSecretRef: {name: metastore, key: password}
          workspaces:
            - name: demo
              organizationId: "42"
              auditLogs: {path: %s}
        """.formatted(dir.resolve("store"), pg.getPort(), user, audit));
    return deployment;
  }

  private Map<String, String> settings(String database) {
    return Map.of("javax.jdo.option.ConnectionURL", "jdbc:postgresql://localhost:" + pg.getPort() + "/" + database,
        "javax.jdo.option.ConnectionDriverName", "org.postgresql.Driver",
        "javax.jdo.option.ConnectionUserName", "postgres",
        "javax.jdo.option.ConnectionPassword", PASSWORD);
  }

  private void createDatabase(String name) throws SQLException {
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
  }

  private static List<String> column(Statement s, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }

  /** Runs a child JVM; one that hangs on a metastore lock fails the test with what its sessions wait on. */
  private ChildJvm.Result child(Map<String, String> env, String... args) throws SQLException {
    try (Connection watch = pg.getPostgresDatabase().getConnection()) {
      return ChildJvm.run(CHILD_TIMEOUT, () -> lockWait(watch), env, args);
    }
  }

  private static String lockWait(Connection c) {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = 'metastore'"
            + " AND wait_event_type = 'Lock' AND now() - query_start > interval '" + LOCK_WAIT_SECONDS + " seconds'")) {
      rs.next();
      if (rs.getInt(1) == 0) {
        return null;
      }
      StringBuilder out = new StringBuilder("a metastore session has waited on a lock for more than "
          + LOCK_WAIT_SECONDS + " s (database | pid | state | wait | blocked by | query):\n");
      try (ResultSet sessions = s.executeQuery("SELECT datname, pid, state, wait_event_type, wait_event,"
          + " pg_blocking_pids(pid)::text, left(query, 200) FROM pg_stat_activity WHERE datname = 'metastore'")) {
        while (sessions.next()) {
          out.append(String.format("%s | %s | %s | %s:%s | %s | %s%n", sessions.getString(1), sessions.getString(2),
              sessions.getString(3), sessions.getString(4), sessions.getString(5), sessions.getString(6),
              sessions.getString(7)));
        }
      }
      return out.toString();
    } catch (SQLException e) {
      return null; // the watchdog must not fail a healthy child; the overall timeout still applies
    }
  }
}
