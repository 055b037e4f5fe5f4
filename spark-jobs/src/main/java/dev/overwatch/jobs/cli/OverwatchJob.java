package dev.overwatch.jobs.cli;

import dev.overwatch.jobs.config.DeploymentValidationException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the local runner (spark-jobs/bin/overwatch) and of the Spark driver pods.
 * Exit codes: 0 success, 1 a module or query failed, 2 bad arguments or an invalid deployment.
 */
@Command(name = "overwatch", mixinStandardHelpOptions = true, version = "overwatch 0.1.0",
    description = "Runs the Overwatch pipeline and queries its tables.",
    subcommands = {RunCommand.class, SqlCommand.class, ReportCommand.class, MaintainCommand.class})
public final class OverwatchJob implements Runnable {
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a verb is required: run, sql, report or maintain");
  }

  public static void main(String[] args) {
    System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line and returns the exit code (tests call this instead of main). */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new OverwatchJob());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExitCodeExceptionMapper(e -> e instanceof DeploymentValidationException ? EXIT_USAGE : EXIT_FAILED);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof DeploymentValidationException || e instanceof CommandLine.ParameterException) {
        commandLine.getErr().println("error: " + e.getMessage());
        commandLine.getErr().println(commandLine.getHelp().fullSynopsis().trim());
        return EXIT_USAGE;
      }
      commandLine.getErr().println("error: " + e.getMessage());
      e.printStackTrace(commandLine.getErr());
      return EXIT_FAILED;
    });
    cli.setParameterExceptionHandler((e, a) -> {
      e.getCommandLine().getErr().println("error: " + e.getMessage());
      e.getCommandLine().getErr().println(e.getCommandLine().getHelp().fullSynopsis().trim());
      return EXIT_USAGE;
    });
    return cli.execute(args);
  }
}
