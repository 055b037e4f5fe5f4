package dev.overwatch.jobs.fidelity;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.jobs.config.Deployments;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The deployment of the must-show: scope sparkEvents only, one workspace with only
 * sparkEventLogPaths (no audit logs, no API). Shared by the fidelity suite and the benchmark.
 */
final class SparkEventsOnlyDeployment {
  private SparkEventsOnlyDeployment() {}

  static OverwatchDeployment of(String name, Path store, String etlDatabase, String organizationId, Path logs) {
    return Deployments.parse("""
        apiVersion: overwatch.dev/v1alpha1
        kind: OverwatchDeployment
        metadata:
          name: %s
        spec:
          storage:
            prefix: %s
          etlDatabase: %s
          consumerDatabase: %s_consumer
          scopes: [sparkEvents]
          primordialDate: "%s"
          workspaces:
            - name: %s
              organizationId: "%s"
              sparkEventLogPaths: ["%s"]
        """.formatted(name, store, etlDatabase, etlDatabase, LocalDate.now(ZoneOffset.UTC).minusDays(2), name,
        organizationId, logs), name);
  }
}
