package dev.overwatch.jobs.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_date;

import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WriteMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/** 2006 Silver_SPARK_Jobs -> spark_jobs_silver (modules.md 4, PowerProperties per inputs.md 4.5). */
public final class SparkJobsSilver implements Module {
  public static final TargetTable TARGET = TargetTable.merge("spark_jobs_silver", WriteMode.MERGE,
      List.of("SparkContextID", "JobID", "startTimestamp"), List.of("startDate", "startTimestamp"),
      List.of("organization_id", "startDate"), 4);
  public static final ModuleSpec SPEC = ModuleSpec.of(2006, "Silver_SPARK_Jobs", Layer.SILVER,
      Scope.SPARK_EVENTS, TARGET, 1006);
  static final StartEndPairing PAIRING = new StartEndPairing(
      List.of("organization_id", "clusterId", "SparkContextID", "JobID"), 1);

  /** Raw Spark property -> PowerProperties field (inputs.md 4.5), in struct order. */
  static final Map<String, String> POWER_PROPERTIES = ordered(
      "spark.app.name", "AppName",
      "spark.databricks.api.url", "WorkspaceURL",
      "spark.jobGroup.id", "JobGroupID",
      "spark.databricks.cloudProvider", "CloudProvider",
      "principalIdpObjectId", "principalIdpObjectId",
      "spark.databricks.notebook.id", "NotebookID",
      "spark.databricks.notebook.path", "NotebookPath",
      "spark.databricks.sparkContextId", "SparkContextID",
      "spark.driver.host", "DriverHostIP",
      "spark.driver.maxResultSize", "DriverMaxResults",
      "spark.executor.id", "ExecutorID",
      "spark.executor.memory", "ExecutorMemory",
      "spark.sql.execution.id", "ExecutionID",
      "spark.sql.execution.parent", "ExecutionParent",
      "spark.databricks.isolationID", "SparkDBIsolationID",
      "spark.hadoop.fs.azure.account.oauth2.client.id", "AzureOAuth2ClientID",
      "spark.rdd.scope", "RDDScope",
      "spark.databricks.replId", "SparkDBREPLID",
      "spark.databricks.job.id", "SparkDBJobID",
      "spark.databricks.job.runId", "SparkDBRunID",
      "spark.databricks.job.type", "sparkDBJobType",
      "spark.sql.shuffle.partitions", "ShufflePartitions",
      "user", "UserEmail",
      "userID", "UserID");
  /** Raw Spark property -> PowerProperties.ClusterDetails field. */
  static final Map<String, String> CLUSTER_DETAILS = ordered(
      "spark.databricks.clusterSource", "ClusterSource",
      "spark.databricks.clusterUsageTags.autoTerminationMinutes", "AutoTerminationMinutes",
      "spark.databricks.clusterUsageTags.clusterAllTags", "ClusterTags",
      "spark.databricks.clusterUsageTags.clusterAvailability", "ClusterAvailability",
      "spark.databricks.clusterUsageTags.clusterId", "ClusterID",
      "spark.databricks.clusterUsageTags.clusterInstancePoolId", "InstancePoolID",
      "spark.databricks.clusterUsageTags.clusterMaxWorkers", "MaxWorkers",
      "spark.databricks.clusterUsageTags.clusterMinWorkers", "MinWorkers",
      "spark.databricks.clusterUsageTags.clusterName", "Name",
      "spark.databricks.clusterUsageTags.clusterOwnerUserId", "OwnerUserID",
      "spark.databricks.clusterUsageTags.clusterScalingType", "ScalingType",
      "spark.databricks.clusterUsageTags.clusterSpotBidPricePercent", "SpotBidPricePercent",
      "spark.databricks.clusterUsageTags.clusterTargetWorkers", "TargetWorkers",
      "spark.databricks.clusterUsageTags.clusterWorkers", "ActualWorkers",
      "spark.databricks.clusterUsageTags.containerZoneId", "ZoneID",
      "spark.databricks.clusterUsageTags.dataPlaneRegion", "Region",
      "spark.databricks.clusterUsageTags.driverNodeType", "DriverNodeType",
      "spark.databricks.workerNodeTypeId", "WorkerNodeType",
      "spark.databricks.clusterUsageTags.sparkVersion", "SparkVersion");

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    Dataset<Row> jobStarts = SparkUiEvents.read(ctx, 3, "SparkListenerJobStart");
    Column properties = SparkUiEvents.opt(jobStarts, "Properties",
        DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));
    Dataset<Row> starts = jobStarts.select(col("organization_id"), col("fileCreateDate"), col("fileCreateEpochMS"),
            col("clusterId"), col("SparkContextID"), col("JobID"),
            SparkUiEvents.opt(jobStarts, "StageIDs", DataTypes.createArrayType(DataTypes.LongType)).as("StageIDs"),
            col("SubmissionTime"), powerProperties(properties).as("PowerProperties"),
            col("filenameGroup").as("startFilenameGroup"))
        .withColumn("JobGroupID", col("PowerProperties.JobGroupID"))
        .withColumn("ExecutionID", col("PowerProperties.ExecutionID"));
    Dataset<Row> ends = SparkUiEvents.read(ctx, 0, "SparkListenerJobEnd").select(col("organization_id"),
        col("fileCreateDate"), col("clusterId"), col("SparkContextID"), col("JobID"), col("JobResult"),
        col("CompletionTime"), col("filenameGroup").as("endFilenameGroup"));
    return PAIRING.pair(starts, ends, "SubmissionTime", "CompletionTime", ctx.window())
        .withColumn("JobRunTime", RuntimeStruct.of(col("SubmissionTime"), col("CompletionTime")))
        .select(col("organization_id"), col("clusterId"), col("SparkContextID"), col("JobGroupID"),
            col("ExecutionID"), col("JobID"), col("StageIDs"), col("PowerProperties"), col("startFilenameGroup"),
            col("JobResult"), col("endFilenameGroup"), col("JobRunTime"),
            col("JobRunTime.startEpochMS").as("startTimestamp"), to_date(col("JobRunTime.startTS")).as("startDate"));
  }

  /** The PowerProperties struct; map keys are the scrubbed property names of bronze (inputs.md 4.5). */
  static Column powerProperties(Column properties) {
    List<Column> fields = new ArrayList<>();
    for (Map.Entry<String, String> e : POWER_PROPERTIES.entrySet()) {
      fields.add(properties.getItem(scrubbed(e.getKey())).as(e.getValue()));
      if (e.getValue().equals("principalIdpObjectId")) {
        List<Column> cluster = new ArrayList<>();
        CLUSTER_DETAILS.forEach((raw, name) -> cluster.add(properties.getItem(scrubbed(raw)).as(name)));
        fields.add(struct(cluster.toArray(Column[]::new)).as("ClusterDetails"));
      }
    }
    return struct(fields.toArray(Column[]::new));
  }

  /** The bronze Properties key rule: whitespace and dots removed, other non-alphanumerics to "_". */
  static String scrubbed(String raw) {
    return raw.replaceAll("\\s", "").replace(".", "").replaceAll("[^a-zA-Z0-9]", "_");
  }

  private static Map<String, String> ordered(String... pairs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }
}
