package dev.overwatch.jobs.cli;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;

/**
 * Read-only mode of {@code overwatch sql}: only queries (SELECT, WITH, VALUES, TABLE, FROM ...) and the SHOW,
 * DESCRIBE and EXPLAIN commands run; statements that change tables, views, databases, functions or settings are
 * refused before anything executes. The session also loses the functions that call arbitrary Java methods and
 * direct queries of files (paths are not tables).
 */
final class ReadOnlySql {
  /** Built-in functions that invoke any static Java method (e.g. {@code reflect('java.lang.System', 'exit', 0)}). */
  static final List<String> REFLECTION_FUNCTIONS = List.of("reflect", "java_method", "try_reflect");
  private static final List<String> READ_COMMAND_PREFIXES = List.of("Show", "Describe", "Explain");

  private ReadOnlySql() {}

  /** A child session of {@code base} without reflection functions and without SQL on files. */
  static SparkSession session(SparkSession base) {
    SparkSession session = base.newSession();
    session.conf().set("spark.sql.runSQLOnFiles", "false");
    for (String f : REFLECTION_FUNCTIONS) {
      session.sessionState().functionRegistry().dropFunction(FunctionIdentifier.apply(f));
    }
    return session;
  }

  /** Why the statement may not run in read-only mode, or empty when it is a query or a SHOW/DESCRIBE/EXPLAIN. */
  static Optional<String> refusal(SparkSession session, String statement) throws ParseException {
    LogicalPlan plan = session.sessionState().sqlParser().parsePlan(statement);
    String kind = plan.getClass().getSimpleName();
    if (READ_COMMAND_PREFIXES.stream().anyMatch(kind::startsWith)) {
      return Optional.empty();
    }
    try {
      session.sessionState().sqlParser().parseQuery(statement);
      return Optional.empty();
    } catch (ParseException notAQuery) {
      String first = statement.strip().split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
      return Optional.of("read-only: " + first + " statements (" + kind + ") may change the deployment; only queries"
          + " and SHOW/DESCRIBE/EXPLAIN run unless --allow-writes is given");
    }
  }
}
