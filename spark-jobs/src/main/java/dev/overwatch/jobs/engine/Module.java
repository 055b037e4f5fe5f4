package dev.overwatch.jobs.engine;

import dev.overwatch.api.v1alpha1.OverwatchDeploymentSpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One unit of ETL: what it reads and how it transforms. Windows, writes, the pipeline report,
 * quarantine, rollback and retries belong to the engine.
 */
public interface Module {
  ModuleSpec spec();

  /**
   * Builds the rows for the context's window. Every row carries organization_id; the writer adds
   * Pipeline_SnapTS, Overwatch_RunID and workspace_name.
   *
   * @throws NoNewDataException when there is nothing to write
   */
  Dataset<Row> transform(ModuleContext ctx);

  /** The consumer view published over this module's target, if any (gold modules). */
  default java.util.Optional<ConsumerView> view() {
    return java.util.Optional.empty();
  }

  /** Whether the module runs for this workspace at all (e.g. AWS-only endpoints, experimental features). */
  default boolean appliesTo(WorkspaceConfig workspace, OverwatchDeploymentSpec deployment) {
    return true;
  }
}
