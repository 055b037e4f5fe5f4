package dev.overwatch.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.jobs.TestSpark;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Argument, configuration and query errors end with a usage line and exit code 2. */
class OverwatchJobCliTest {
  @TempDir
  Path dir;

  private record Result(int code, String out, String err) {}

  private Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = OverwatchJob.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void unknownFlagGetsUsageAndExitCode2() {
    Result r = run("run", "--deployment", "x.yaml", "--bogus");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("Unknown option: '--bogus'"), r.err());
    assertTrue(r.err().contains("Usage: overwatch run"), r.err());
  }

  @Test
  void missingVerbAndMissingDeploymentAreUsageErrors() {
    assertEquals(2, run().code());
    Result r = run("sql", "select 1");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--deployment"), r.err());
  }

  @Test
  void helpForEveryVerb() {
    for (String verb : new String[] {"run", "sql", "report"}) {
      Result r = run(verb, "--help");
      assertEquals(0, r.code());
      assertTrue(r.out().contains("--deployment"), r.out());
    }
    assertTrue(run("run", "--help").out().contains("--snapshot-time"));
    assertTrue(run("sql", "--help").out().contains("--format"));
  }

  @Test
  void invalidDeploymentIsExitCode2WithAllProblems() throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, """
        apiVersion: overwatch.dev/v1alpha1
        kind: OverwatchDeployment
        metadata: {name: x}
        spec:
          storage: {prefix: /x}
          maxDaysToLoad: -1
          workspaces: [{name: "A B", organizationId: "1"}]
        """);
    Result r = run("run", "--deployment", f.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("spec.maxDaysToLoad") && r.err().contains("spec.workspaces[0].name"), r.err());
  }

  @Test
  void badLayerAndBadSnapshotTimeAreUsageErrors() throws Exception {
    Path f = dir.resolve("ok.yaml");
    Files.writeString(f, """
        apiVersion: overwatch.dev/v1alpha1
        kind: OverwatchDeployment
        metadata: {name: x}
        spec:
          storage: {prefix: /x}
          workspaces: [{name: a, organizationId: "1"}]
        """);
    Result r = run("run", "--deployment", f.toString(), "--layer", "platinum");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--layer"), r.err());
    r = run("run", "--deployment", f.toString(), "--snapshot-time", "tomorrow");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--snapshot-time"), r.err());
    r = run("sql", "--deployment", f.toString(), "select 1", "--format", "xml");
    assertEquals(2, r.code());
    // Issue 9 defect 6: a snapshot in the future would make later windows skip the days in between.
    r = run("run", "--deployment", f.toString(), "--snapshot-time", "2999-01-01T00:00:00Z");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--snapshot-time") && r.err().contains("future"), r.err());
    r = run("run", "--deployment", f.toString(), "--lease-wait", "-1");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--lease-wait"), r.err());
  }

  @Test
  void badQueryIsAUsageErrorWithOneClearLine() throws Exception {
    TestSpark.session(); // the test JVM's one session: the CLI's getOrCreate reuses it
    Path f = dir.resolve("q.yaml");
    Files.writeString(f, """
        apiVersion: overwatch.dev/v1alpha1
        kind: OverwatchDeployment
        metadata: {name: x}
        spec:
          storage: {prefix: %s}
          workspaces: [{name: a, organizationId: "1"}]
        """.formatted(dir.resolve("storage")));
    Result r = run("sql", "--deployment", f.toString(), "select nope from range(1)");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("QUERY: [UNRESOLVED_COLUMN"), r.err());
    assertTrue(r.err().contains("Usage: overwatch sql"), r.err());
    assertFalse(r.err().contains("\tat org.apache"), "no stack trace for a bad query: " + r.err());

    // Issue 9 defect 10: read-only by default; writes need --allow-writes.
    for (String write : new String[] {"CREATE TABLE ro_t (a INT) USING DELTA", "DROP TABLE IF EXISTS ro_t",
        "INSERT INTO ro_t VALUES (1)", "SET spark.sql.ansi.enabled=false", "CREATE OR REPLACE TEMPORARY VIEW v AS SELECT 1",
        "DELETE FROM ro_t WHERE a = 1", "ADD JAR /tmp/x.jar"}) {
      r = run("sql", "--deployment", f.toString(), write);
      assertEquals(2, r.code(), write + ": " + r.err());
      assertTrue(r.err().contains("read-only") && r.err().contains("--allow-writes"), write + ": " + r.err());
    }
    for (String reflective : new String[] {"SELECT reflect('java.lang.System', 'getProperty', 'user.home')",
        "SELECT java_method('java.lang.System', 'getProperty', 'user.home')", "SELECT * FROM json.`/etc`"}) {
      r = run("sql", "--deployment", f.toString(), reflective);
      assertEquals(2, r.code(), reflective + ": " + r.err() + r.out());
    }
    for (String read : new String[] {"SHOW DATABASES", "WITH x AS (SELECT 1 AS a) SELECT a FROM x", "EXPLAIN SELECT 1",
        "DESCRIBE FUNCTION abs"}) {
      r = run("sql", "--deployment", f.toString(), read);
      assertEquals(0, r.code(), read + ": " + r.err());
    }
    r = run("sql", "--deployment", f.toString(), "--allow-writes", "CREATE OR REPLACE TEMPORARY VIEW rw_v AS SELECT 1 AS a");
    assertEquals(0, r.code(), r.err());
  }
}
