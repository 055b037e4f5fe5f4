package dev.overwatch.jobs.cli;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code report}: the latest pipReport row of every module and workspace. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Show the latest pipeline report row of every module and workspace.")
final class ReportCommand implements Callable<Integer> {
  @Mixin
  DeploymentOption deployment;

  @Mixin
  FormatOption output;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    OverwatchDeployment dep = deployment.load();
    SparkSession spark = DeploymentOption.session(dep);
    String db = "`" + dep.getSpec().etlDatabase + "`";
    if (!spark.catalog().tableExists(dep.getSpec().etlDatabase, "pipReport")) {
      spec.commandLine().getErr().println("no pipeline report yet in " + db + ": run the pipeline first");
      return OverwatchJob.EXIT_FAILED;
    }
    QueryOutput.print(spark.sql("SELECT workspace_name, module_id, module_name, status, fromTS, untilTS, rows_written,"
        + " records_quarantined, publication_error, Overwatch_RunID, Pipeline_SnapTS FROM (SELECT *, row_number() OVER (PARTITION BY"
        + " organization_id, module_id ORDER BY Pipeline_SnapTS DESC, runEndTS DESC) AS rn FROM " + db + ".pipReport)"
        + " WHERE rn = 1 ORDER BY workspace_name, module_id"), output.format, spec.commandLine().getOut());
    return 0;
  }
}
