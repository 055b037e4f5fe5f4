package dev.overwatch.jobs;

import dev.overwatch.jobs.bronze.AuditLogBronze;
import dev.overwatch.jobs.bronze.ClusterEventsBronze;
import dev.overwatch.jobs.bronze.ClustersSnapshotBronze;
import dev.overwatch.jobs.bronze.GlobalInitsSnapshotBronze;
import dev.overwatch.jobs.bronze.InstanceProfilesSnapshotBronze;
import dev.overwatch.jobs.bronze.JobRunsSnapshotBronze;
import dev.overwatch.jobs.bronze.JobsSnapshotBronze;
import dev.overwatch.jobs.bronze.LibsSnapshotBronze;
import dev.overwatch.jobs.bronze.PoliciesSnapshotBronze;
import dev.overwatch.jobs.bronze.PoolsSnapshotBronze;
import dev.overwatch.jobs.bronze.SparkEventsBronze;
import dev.overwatch.jobs.bronze.SqlQueryHistoryBronze;
import dev.overwatch.jobs.bronze.TokensSnapshotBronze;
import dev.overwatch.jobs.bronze.WarehousesSnapshotBronze;
import dev.overwatch.jobs.engine.ModuleRegistry;
import dev.overwatch.jobs.gold.AccountLoginGold;
import dev.overwatch.jobs.gold.AccountModGold;
import dev.overwatch.jobs.gold.ClusterGold;
import dev.overwatch.jobs.gold.ClusterStateFactGold;
import dev.overwatch.jobs.gold.InstancePoolGold;
import dev.overwatch.jobs.gold.JobGold;
import dev.overwatch.jobs.gold.JobRunCostPotentialFactGold;
import dev.overwatch.jobs.gold.JobRunGold;
import dev.overwatch.jobs.gold.NotebookCommandsGold;
import dev.overwatch.jobs.gold.NotebookGold;
import dev.overwatch.jobs.gold.SparkExecutionGold;
import dev.overwatch.jobs.gold.SparkExecutorGold;
import dev.overwatch.jobs.gold.SparkJobGold;
import dev.overwatch.jobs.gold.SparkStageGold;
import dev.overwatch.jobs.gold.SparkStreamGold;
import dev.overwatch.jobs.gold.SparkTaskGold;
import dev.overwatch.jobs.gold.SqlQueryHistoryGold;
import dev.overwatch.jobs.gold.WarehouseGold;
import dev.overwatch.jobs.gold.WarehouseStateFactGold;
import dev.overwatch.jobs.silver.AccountLoginSilver;
import dev.overwatch.jobs.silver.AccountModsSilver;
import dev.overwatch.jobs.silver.ClusterSpecSilver;
import dev.overwatch.jobs.silver.ClusterStateDetailSilver;
import dev.overwatch.jobs.silver.JobRunSilver;
import dev.overwatch.jobs.silver.JobStatusSilver;
import dev.overwatch.jobs.silver.NotebookSilver;
import dev.overwatch.jobs.silver.PoolsSpecSilver;
import dev.overwatch.jobs.silver.SparkExecutionsSilver;
import dev.overwatch.jobs.silver.SparkExecutorsSilver;
import dev.overwatch.jobs.silver.SparkJobsSilver;
import dev.overwatch.jobs.silver.SparkStagesSilver;
import dev.overwatch.jobs.silver.SparkTasksSilver;
import dev.overwatch.jobs.silver.SqlQueryHistorySilver;
import dev.overwatch.jobs.silver.WarehouseSpecSilver;
import dev.overwatch.jobs.silver.WarehouseStateDetailSilver;
import java.util.List;

/** Every module of the pipeline, in canonical order (pipeline.md 9.3): layers, then scopes, then module order. */
public final class Modules {
  private Modules() {}

  public static ModuleRegistry all() {
    return new ModuleRegistry(List.of(
        // bronze: audit, accounts, pools, clusters, clusterEvents, sparkEvents, jobs, dbsql
        new AuditLogBronze(),
        new TokensSnapshotBronze(),
        new GlobalInitsSnapshotBronze(),
        new PoolsSnapshotBronze(),
        new ClustersSnapshotBronze(),
        new LibsSnapshotBronze(),
        new PoliciesSnapshotBronze(),
        new InstanceProfilesSnapshotBronze(),
        new ClusterEventsBronze(),
        new SparkEventsBronze(),
        new JobsSnapshotBronze(),
        new JobRunsSnapshotBronze(),
        new WarehousesSnapshotBronze(),
        new SqlQueryHistoryBronze(),
        // silver: accounts, notebooks
        new AccountLoginSilver(),
        new AccountModsSilver(),
        new NotebookSilver(),
        // silver: pools, clusters, clusterEvents, sparkEvents
        new PoolsSpecSilver(),
        new ClusterSpecSilver(),
        new ClusterStateDetailSilver(),
        new SparkExecutorsSilver(),
        new SparkExecutionsSilver(),
        new SparkJobsSilver(),
        new SparkStagesSilver(),
        new SparkTasksSilver(),
        // silver: jobs
        new JobStatusSilver(),
        new JobRunSilver(),
        // silver: dbsql, warehouseEvents (2022 reads 2021's definitions)
        new SqlQueryHistorySilver(),
        new WarehouseSpecSilver(),
        new WarehouseStateDetailSilver(),
        // gold (gold.md 1.9): dimensions (accounts, notebooks, pools, clusters, jobs, sparkEvents), then facts
        // (clusterEvents, jobs, notebookCommands)
        new AccountModGold(),
        new AccountLoginGold(),
        new NotebookGold(),
        new InstancePoolGold(),
        new ClusterGold(),
        new JobGold(),
        new JobRunGold(),
        new SparkExecutorGold(),
        new SparkExecutionGold(),
        new SparkStreamGold(),
        new SparkJobGold(),
        new SparkStageGold(),
        new SparkTaskGold(),
        new SqlQueryHistoryGold(),
        new WarehouseGold(),
        new ClusterStateFactGold(),
        new JobRunCostPotentialFactGold(),
        new WarehouseStateFactGold(),
        new NotebookCommandsGold()));
  }
}
