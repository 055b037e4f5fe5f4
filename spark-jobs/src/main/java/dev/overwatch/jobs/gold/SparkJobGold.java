package dev.overwatch.jobs.gold;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.get;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.when;

import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.ConsumerView;
import dev.overwatch.jobs.engine.GoldModule;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WriteMode;
import dev.overwatch.jobs.silver.SparkJobsSilver;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/** 3010 Gold_SparkJob -> sparkJob_gold (gold.md 3.15), view sparkjob (presentation.md 3.9). */
public final class SparkJobGold extends GoldModule {
  public static final TargetTable TARGET = TargetTable.merge("sparkJob_gold", WriteMode.MERGE,
      List.of("spark_context_id", "job_id", "unixTimeMS"), List.of("date", "unixTimeMS"),
      List.of("organization_id", "date"), 4);
  public static final ModuleSpec SPEC = ModuleSpec.of(3010, "Gold_SparkJob", Layer.GOLD, Scope.SPARK_EVENTS,
      TARGET, 2006);
  static final ConsumerView VIEW = ConsumerView.of("sparkjob", TARGET, "organization_id", "workspace_name",
      "spark_context_id", "job_id", "job_group_id", "execution_id", "stage_ids", "cluster_id", "notebook_id",
      "notebook_path", "db_job_id", "db_id_in_job", "db_job_type", "unixTimeMS", "timestamp", "date", "job_runtime",
      "job_result", "event_log_start", "event_log_end", "user_email");
  private static final String JOB_RUN_PATTERN = "%job-%-run-%";

  public SparkJobGold() {
    super(SPEC, VIEW);
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    Dataset<Row> jobs = SparkUiGold.changedSilver(ctx, SparkJobsSilver.TARGET, 4).select(col("organization_id"),
        col("SparkContextID").as("spark_context_id"), col("JobID").as("job_id"), col("JobGroupID").as("job_group_id"),
        col("ExecutionID").as("execution_id"), col("StageIDs").as("stage_ids"), col("clusterId"),
        col("PowerProperties.ClusterDetails.ClusterID").as("propertyClusterId"),
        col("PowerProperties.NotebookID").as("notebook_id"), col("PowerProperties.NotebookPath").as("notebook_path"),
        col("PowerProperties.SparkDBJobID").as("propertyJobId"), col("PowerProperties.SparkDBRunID").as("db_run_id"),
        col("PowerProperties.sparkDBJobType").as("db_job_type"),
        col("PowerProperties.ClusterDetails.Name").as("cluster_name"),
        col("PowerProperties.UserEmail").as("user_email"),
        col("PowerProperties.principalIdpObjectId").as("principalIdpObjectId"),
        col("PowerProperties.SparkDBIsolationID").as("SparkDBIsolationID"),
        col("PowerProperties.SparkDBREPLID").as("SparkDBREPLID"), col("startTimestamp"), col("JobRunTime"),
        col("JobResult"), col("startFilenameGroup"), col("endFilenameGroup"));

    // 1. user_email, imputed group by group; each step only fills what is still null.
    if ("azure".equalsIgnoreCase(ctx.workspace().cloud())) {
      jobs = imputeUser(jobs, "organization_id", "principalIdpObjectId");
    }
    for (String group : List.of("SparkDBIsolationID", "job_group_id", "execution_id")) {
      jobs = imputeUser(jobs, "spark_context_id", group);
    }
    WindowSpec repl = Window.partitionBy("organization_id", "spark_context_id", "SparkDBREPLID")
        .orderBy("startTimestamp").rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    jobs = jobs.withColumn("user_email", when(col("SparkDBREPLID").isNull(), col("user_email"))
        .otherwise(coalesce(col("user_email"), last(col("user_email"), true).over(repl))));

    // 2. The first cluster id of the Spark context.
    WindowSpec context = Window.partitionBy("organization_id", "spark_context_id").orderBy("startTimestamp")
        .rowsBetween(Window.unboundedPreceding(), Window.unboundedFollowing());
    jobs = jobs.withColumn("cluster_id",
        first(coalesce(col("clusterId"), col("propertyClusterId")), true).over(context));

    // 3-5. Databricks job linkage: properties first, else parsed from the job group or job-cluster name.
    Column jobGroupAr = get(split(col("job_group_id"), "_"), lit(2));
    jobs = jobs.withColumn("jobGroupAr", jobGroupAr)
        .withColumn("db_job_id", parsed("job-(\\d+)", col("propertyJobId")))
        .withColumn("db_id_in_job", parsed("-run-(\\d+)", col("db_run_id")));

    return jobs.select(SparkUiGold.withTime(
        List.of(col("organization_id"), col("spark_context_id"), col("job_id"), col("job_group_id"),
            col("execution_id"), col("stage_ids"), col("cluster_id"), col("notebook_id"), col("notebook_path"),
            col("db_job_id"), col("db_run_id"), col("db_job_type")),
        col("startTimestamp"),
        List.of(col("JobRunTime").as("job_runtime"), col("JobResult").as("job_result"),
            col("startFilenameGroup").as("event_log_start"), col("endFilenameGroup").as("event_log_end"),
            col("user_email"), col("jobGroupAr"), col("db_id_in_job"))));
  }

  /** Fills a null user_email with any non-null one of the same (scope, group) when the group is known. */
  private static Dataset<Row> imputeUser(Dataset<Row> jobs, String scope, String group) {
    WindowSpec w = Window.partitionBy("organization_id", scope, group);
    return jobs.withColumn("user_email", when(col(group).isNull(), col("user_email"))
        .otherwise(coalesce(col("user_email"), max(col("user_email")).over(w))));
  }

  /** The property, unless null and the job group (else the cluster name) follows job-<id>-run-<id>. */
  private static Column parsed(String regex, Column property) {
    return when(property.isNull().and(col("job_group_id").like(JOB_RUN_PATTERN)),
            nonEmpty(regexp_extract(col("jobGroupAr"), regex, 1)))
        .when(property.isNull().and(col("cluster_name").like(JOB_RUN_PATTERN)),
            nonEmpty(regexp_extract(col("cluster_name"), regex, 1)))
        .otherwise(property);
  }

  private static Column nonEmpty(Column c) {
    return when(c.notEqual(""), c);
  }
}
