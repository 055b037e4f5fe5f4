package dev.overwatch.jobs.cli;

import picocli.CommandLine.Option;

/** The --format option of the verbs that print query results. */
final class FormatOption {
  @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT",
      description = "table, csv or json (default: ${DEFAULT-VALUE}).")
  QueryOutput.Format format;
}
