package dev.overwatch.jobs.gold;

import static org.apache.spark.sql.functions.col;

import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.ConsumerView;
import dev.overwatch.jobs.engine.GoldModule;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.silver.ClusterSpecSilver;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * 3001 Gold_Cluster -> cluster_gold (gold.md 3.1), view cluster (presentation.md 3.1): the cluster
 * definitions of the window (create, edit, snapImpute), renamed; all enrichment happened in silver 2014.
 */
public final class ClusterGold extends GoldModule {
  public static final TargetTable TARGET = TargetTable.append("cluster_gold", List.of("cluster_id", "unixTimeMS"),
      List.of("unixTimeMS"), List.of(TargetTable.ORG, TargetTable.NOISE));
  public static final ModuleSpec SPEC = ModuleSpec.of(3001, "Gold_Cluster", Layer.GOLD, Scope.CLUSTERS, TARGET, 2014);
  static final ConsumerView VIEW = ConsumerView.of("cluster", TARGET, "organization_id", "workspace_name",
      "cluster_id", "action", "unixTimeMS", "timestamp", "date", "cluster_name", "driver_node_type", "node_type",
      "num_workers", "autoscale", "auto_termination_minutes", "enable_elastic_disk", "is_automated", "cluster_type",
      "security_profile", "cluster_log_conf", "init_scripts", "custom_tags", "cluster_source", "spark_env_vars",
      "spark_conf", "acl_path_prefix", "aws_attributes", "azure_attributes", "gcp_attributes",
      "driver_instance_pool_id", "instance_pool_id", "driver_instance_pool_name", "instance_pool_name",
      "spark_version", "runtime_engine", "idempotency_token", "deleted_by", "created_by", "last_edited_by");

  public ClusterGold() {
    super(SPEC, VIEW);
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    if (!ctx.tableExists(ClusterSpecSilver.TARGET)) {
      throw new NoNewDataException("cluster_spec_silver does not exist yet", true);
    }
    Dataset<Row> specs = ctx.readIncremental(ClusterSpecSilver.TARGET, 0);
    return specs.select(SparkUiGold.withTime(List.of(col("cluster_id"), col("actionName").as("action")),
        col("timestamp"),
        List.of(col("cluster_name"), col("driver_node_type_id").as("driver_node_type"),
            col("node_type_id").as("node_type"), col("num_workers"), col("autoscale"),
            col("autotermination_minutes").as("auto_termination_minutes"), col("enable_elastic_disk"),
            col("is_automated"), col("cluster_type"), col("security_profile"), col("cluster_log_conf"),
            col("init_scripts"), col("custom_tags"), col("cluster_source"), col("aws_attributes"),
            col("azure_attributes"), col("gcp_attributes"), col("spark_env_vars"), col("spark_conf"),
            col("acl_path_prefix"), col("driver_instance_pool_id"), col("instance_pool_id"),
            col("driver_instance_pool_name"), col("instance_pool_name"), col("spark_version"), col("runtime_engine"),
            col("idempotency_token"), col("organization_id"), col("deleted_by"), col("createdBy").as("created_by"),
            col("lastEditedBy").as("last_edited_by"))));
  }
}
