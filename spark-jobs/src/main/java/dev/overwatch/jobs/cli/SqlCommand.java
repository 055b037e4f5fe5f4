package dev.overwatch.jobs.cli;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import java.util.concurrent.Callable;
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
    QueryOutput.print(spark.sql(query), output.format, spec.commandLine().getOut());
    return 0;
  }
}
