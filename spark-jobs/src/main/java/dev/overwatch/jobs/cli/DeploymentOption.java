package dev.overwatch.jobs.cli;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.jobs.config.Deployments;
import dev.overwatch.jobs.engine.SparkSessions;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** The --deployment option shared by every verb. */
final class DeploymentOption {
  @Option(names = "--deployment", required = true, paramLabel = "FILE",
      description = "OverwatchDeployment resource (YAML), the same file kubectl applies.")
  Path file;

  OverwatchDeployment load() {
    return Deployments.load(file);
  }

  static SparkSession session(OverwatchDeployment deployment) {
    return SparkSessions.getOrCreate(deployment.getSpec());
  }
}
