package dev.overwatch.jobs.config;

import java.util.List;

/** A deployment file with one or more problems, each naming its field path. */
public class DeploymentValidationException extends RuntimeException {
  private final List<String> problems;

  public DeploymentValidationException(String file, List<String> problems) {
    super("invalid deployment " + file + ":\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
