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

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    OverwatchDeployment dep = deployment.load();
    SparkSession spark = DeploymentOption.session(dep);
    spark.catalog().setCurrentDatabase(spark.catalog().databaseExists(dep.getSpec().etlDatabase)
        ? dep.getSpec().etlDatabase : "default");
    Dataset<Row> result;
    try {
      result = spark.sql(query);
    } catch (Exception e) {
      // Scala throws AnalysisException (checked in Java) undeclared. A query that does not parse or resolve
      // is a bad argument: one clear line (no plan dump), exit code 2.
      if (e instanceof AnalysisException analysis) {
        throw new CommandLine.ParameterException(spec.commandLine(), "QUERY: " + analysis.getSimpleMessage());
      }
      throw e;
    }
    QueryOutput.print(result, output.format, spec.commandLine().getOut());
    return 0;
  }
}
