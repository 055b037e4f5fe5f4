package dev.overwatch.jobs.cli;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import java.util.concurrent.Callable;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code sql}: runs Spark SQL against the deployment's catalog. */
@Command(name = "sql", mixinStandardHelpOptions = true, description = "Run a Spark SQL query against the deployment's catalog.")
final class SqlCommand implements Callable<Integer> {
  @Mixin
  DeploymentOption deployment;

  @Parameters(index = "0", paramLabel = "QUERY", description = "The SQL query.")
  String query;

  @Mixin
  FormatOption output;

  @CommandLine.Option(names = "--allow-writes",
      description = "Also run statements that change tables, views, databases or settings (DDL, DML)."
          + " Without it the query runs read-only: no writes, no reflection functions, no SQL on file paths.")
  boolean allowWrites;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    OverwatchDeployment dep = deployment.load();
    SparkSession spark = DeploymentOption.session(dep);
    if (!allowWrites) {
      spark = ReadOnlySql.session(spark);
    }
    spark.catalog().setCurrentDatabase(spark.catalog().databaseExists(dep.getSpec().etlDatabase)
        ? dep.getSpec().etlDatabase : "default");
    Dataset<Row> result;
    try {
      if (!allowWrites) {
        var refusal = ReadOnlySql.refusal(spark, query);
        if (refusal.isPresent()) {
          throw new CommandLine.ParameterException(spec.commandLine(), "QUERY: " + refusal.get());
        }
      }
      result = spark.sql(query);
    } catch (CommandLine.ParameterException e) {
      throw e;
    } catch (Exception e) {
      // Scala throws AnalysisException (checked in Java) undeclared. A query that does not parse or resolve
      // is a bad argument: one clear line (no plan dump), exit code 2.
      if (e instanceof AnalysisException analysis) {
        throw new CommandLine.ParameterException(spec.commandLine(), "QUERY: " + analysis.getSimpleMessage());
      }
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
    QueryOutput.print(result, output.format, spec.commandLine().getOut());
    return 0;
  }
}
