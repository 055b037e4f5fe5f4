package dev.overwatch.jobs.silver;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import dev.overwatch.jobs.bronze.AuditLogBronze;
import dev.overwatch.jobs.bronze.ClustersSnapshotBronze;
import dev.overwatch.jobs.bronze.PoolsSnapshotBronze;
import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.Module;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.TableStore;
import dev.overwatch.jobs.engine.TargetTable;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;

/**
 * 2014 Silver_ClusterSpec -> cluster_spec_silver (modules.md 2014): cluster create/edit audit events of the
 * window (plus, on the first run, one snapImpute row per snapshot cluster without such an event), with
 * node types resolved through instance pools, single-node and automated detection, cluster type, security
 * profile, creator/editor and the runtime engine. SCD source of every "definition in force" lookup.
 */
public final class ClusterSpecSilver implements Module {
  public static final TargetTable TARGET = TargetTable.append("cluster_spec_silver", List.of("timestamp", "cluster_id"),
      List.of("timestamp"), List.of(TargetTable.ORG, TargetTable.NOISE));
  public static final ModuleSpec SPEC = ModuleSpec.of(2014, "Silver_ClusterSpec", Layer.SILVER, Scope.CLUSTERS,
      TARGET, 1002, 1004);
  private static final MapType STRING_MAP = DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType);
  private static final List<String> KEY = List.of("organization_id", "cluster_id");
  /** Columns a definition row shares with the latest snapshot; snapshot values fill their nulls. */
  static final List<String> SNAPSHOT_FILLED = List.of("cluster_name", "driver_node_type_id", "node_type_id",
      "num_workers", "autoscale", "autotermination_minutes", "enable_elastic_disk", "cluster_log_conf",
      "init_scripts", "custom_tags", "cluster_source", "spark_env_vars", "spark_conf", "driver_instance_pool_id",
      "instance_pool_id", "spark_version", "runtime_engine", "single_user_name", "aws_attributes",
      "azure_attributes", "gcp_attributes");

  @Override
  public ModuleSpec spec() {
    return SPEC;
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    Dataset<Row> snapshot = ctx.tableExists(ClustersSnapshotBronze.TARGET)
        ? latestSnapshot(ctx.readAll(ClustersSnapshotBronze.TARGET)) : null;
    Dataset<Row> base = ctx.tableExists(AuditLogBronze.TARGET)
        ? clusterBase(ctx.readIncremental(AuditLogBronze.TARGET, 0)) : null;
    Dataset<Row> defs = base == null ? null : base.where(col("actionName").isin("create", "edit"));
    if (ctx.window().firstRun() && snapshot != null) {
      Dataset<Row> known = defs == null ? null : defs.select(KEY.stream().map(c -> col(c)).toArray(Column[]::new));
      Dataset<Row> imputes = known == null ? snapshot : snapshot.join(known, seq(KEY), "left_anti");
      imputes = imputes.withColumn("actionName", lit("snapImpute")).withColumn("serviceName", lit("clusters"));
      defs = defs == null ? imputes : defs.unionByName(imputes, true);
    }
    if (defs == null || defs.isEmpty()) {
      throw new NoNewDataException("no cluster create/edit events in the window", true);
    }
    if (snapshot != null) {
      defs = fillFromSnapshot(defs, snapshot);
    }
    Dataset<Row> deletes = base == null ? null : base.where(col("actionName").equalTo("permanentDelete"))
        .groupBy("organization_id", "cluster_id").agg(last(col("userEmail"), true).as("deleted_by"));
    if (deletes != null) {
      defs = defs.join(deletes, seq(KEY), "left");
    } else {
      defs = defs.withColumn("deleted_by", lit(null).cast("string"));
    }
    defs = withPools(ctx, defs);
    return derive(defs);
  }

  /** Successful clusters-service audit rows in the spec's column shape (step 1). */
  static Dataset<Row> clusterBase(Dataset<Row> audit) {
    Dataset<Row> a = audit.where(col("serviceName").equalTo("clusters")
        .and(col("actionName").notEqual("changeClusterAcl")).and(col("response.statusCode").equalTo(200)));
    Column id = when(col("actionName").equalTo("create"), get_json_object(col("response.result"), "$.cluster_id"))
        .otherwise(coalesce(col("requestParams.cluster_id"), col("requestParams.clusterId")));
    Dataset<Row> base = a.select(col("timestamp"), col("organization_id"), col("serviceName"), col("actionName"),
        col("userIdentity.email").as("userEmail"), id.as("cluster_id"),
        coalesce(col("requestParams.cluster_name"), col("requestParams.clusterName")).as("cluster_name"),
        col("requestParams.driver_node_type_id").as("driver_node_type_id"),
        col("requestParams.node_type_id").as("node_type_id"), col("requestParams.num_workers").as("num_workers"),
        col("requestParams.autoscale").as("autoscale"),
        col("requestParams.autotermination_minutes").cast("int").as("autotermination_minutes"),
        col("requestParams.enable_elastic_disk").as("enable_elastic_disk"),
        col("requestParams.start_cluster").as("start_cluster"),
        col("requestParams.cluster_log_conf").as("cluster_log_conf"),
        col("requestParams.init_scripts").as("init_scripts"), col("requestParams.custom_tags").as("custom_tags"),
        col("requestParams.cluster_source").as("cluster_source"),
        from_json(col("requestParams.aws_attributes"), STRING_MAP).as("aws_attributes"),
        from_json(col("requestParams.azure_attributes"), STRING_MAP).as("azure_attributes"),
        from_json(col("requestParams.gcp_attributes"), STRING_MAP).as("gcp_attributes"),
        col("requestParams.spark_env_vars").as("spark_env_vars"), col("requestParams.spark_conf").as("spark_conf"),
        col("requestParams.acl_path_prefix").as("acl_path_prefix"),
        col("requestParams.driver_instance_pool_id").as("driver_instance_pool_id"),
        col("requestParams.instance_pool_id").as("instance_pool_id"),
        col("requestParams.instance_pool_name").as("instance_pool_name"),
        coalesce(col("requestParams.effective_spark_version"), col("requestParams.spark_version")).as("spark_version"),
        col("requestParams.runtime_engine").as("runtime_engine"),
        col("requestParams.idempotency_token").as("idempotency_token"),
        col("requestParams.single_user_name").as("single_user_name"), lit(null).cast("string").as("snapshotCreator"))
        // SQL warehouse clusters belong to the warehouse model.
        .where(coalesce(get_json_object(col("custom_tags"), "$.SqlEndpointId"), lit("")).equalTo(""));
    WindowSpec byName = Window.partitionBy("organization_id", "cluster_name").orderBy("timestamp")
        .rowsBetween(Window.currentRow(), 1000);
    WindowSpec byId = Window.partitionBy("organization_id", "cluster_id").orderBy("timestamp")
        .rowsBetween(Window.currentRow(), 1000);
    base = base.withColumn("cluster_id", coalesce(col("cluster_id"), first(col("cluster_id"), true).over(byName)));
    return base.withColumn("cluster_name", coalesce(col("cluster_name"), first(col("cluster_name"), true).over(byId)))
        .where(col("cluster_id").isNotNull());
  }

  /** The latest snapshot of each cluster in the audit shape (JSON text for the free-form parts). */
  static Dataset<Row> latestSnapshot(Dataset<Row> snap) {
    Dataset<Row> latest = snap.withColumn("__latest", max(col(TableStore.SNAP_TS)).over(Window.partitionBy(
        "organization_id"))).where(col(TableStore.SNAP_TS).equalTo(col("__latest")));
    latest = SparkUiEvents.firstPerKey(latest, KEY, col("cluster_name").asc_nulls_last());
    return latest.select(unix_millis(col(TableStore.SNAP_TS)).as("timestamp"), col("organization_id"),
        lit("clusters").as("serviceName"), lit(null).cast("string").as("userEmail"), col("cluster_id"),
        col("cluster_name"), col("driver_node_type_id"), col("node_type_id"), col("num_workers").cast("int")
            .as("num_workers"),
        when(col("autoscale").isNotNull(), to_json(col("autoscale"))).as("autoscale"),
        col("autotermination_minutes").cast("int").as("autotermination_minutes"), col("enable_elastic_disk"),
        lit(null).cast("boolean").as("start_cluster"),
        when(col("cluster_log_conf").isNotNull(), to_json(col("cluster_log_conf"))).as("cluster_log_conf"),
        json(latest, "init_scripts").as("init_scripts"), json(latest, "custom_tags").as("custom_tags"),
        col("cluster_source"), col("aws_attributes"), col("azure_attributes"), col("gcp_attributes"),
        json(latest, "spark_env_vars").as("spark_env_vars"), json(latest, "spark_conf").as("spark_conf"),
        col("driver_instance_pool_id"), col("instance_pool_id"), lit(null).cast("string").as("instance_pool_name"),
        lit(null).cast("string").as("acl_path_prefix"), lit(null).cast("string").as("idempotency_token"),
        coalesce(col("effective_spark_version"), col("spark_version")).as("spark_version"), col("runtime_engine"),
        col("single_user_name"), col("default_tags").getItem("Creator").as("snapshotCreator"),
        col("creator_user_name").as("snapshotCreatorUser"));
  }

  private static Column json(Dataset<Row> df, String name) {
    if (!List.of(df.columns()).contains(name)) {
      return lit(null).cast("string");
    }
    Column c = col(name);
    return when(c.isNotNull(), to_json(c));
  }

  /** Step 6, applied before the derivations so that the pool and single-node rules see the filled values. */
  static Dataset<Row> fillFromSnapshot(Dataset<Row> defs, Dataset<Row> snapshot) {
    List<Column> select = new java.util.ArrayList<>(List.of(col("organization_id"), col("cluster_id"),
        col("snapshotCreator").as("__s_creator"), col("snapshotCreatorUser").as("__s_creatorUser")));
    SNAPSHOT_FILLED.forEach(c -> select.add(col(c).as("__s_" + c)));
    Dataset<Row> s = snapshot.select(select.toArray(Column[]::new));
    Dataset<Row> j = defs.drop("snapshotCreatorUser").join(s, seq(KEY), "left");
    for (String c : SNAPSHOT_FILLED) {
      j = j.withColumn(c, coalesce(col(c), col("__s_" + c))).drop("__s_" + c);
    }
    return j.withColumn("snapshotCreator", coalesce(col("snapshotCreator"), col("__s_creator"),
        when(col("actionName").equalTo("snapImpute"), col("__s_creatorUser")))).drop("__s_creator", "__s_creatorUser");
  }

  /** Pool names and node types as of each definition: audit pool events first, then the pools snapshot. */
  private static Dataset<Row> withPools(ModuleContext ctx, Dataset<Row> defs) {
    Dataset<Row> out = defs.withColumn("__t", col("timestamp"));
    List<Dataset<Row>> sources = new java.util.ArrayList<>();
    if (ctx.tableExists(AuditLogBronze.TARGET)) {
      sources.add(ctx.readAll(AuditLogBronze.TARGET)
          .where("serviceName = 'instancePools' AND actionName IN ('create', 'edit') AND response.statusCode = 200")
          .select(col("organization_id"), coalesce(when(col("actionName").equalTo("create"),
                  get_json_object(col("response.result"), "$.instance_pool_id")), col("requestParams.instance_pool_id"))
                  .as("pool_id"), col("timestamp").as("pool_time"),
              col("requestParams.instance_pool_name").as("pool_name"), col("requestParams.node_type_id").as("pool_node_type")));
    }
    if (ctx.tableExists(PoolsSnapshotBronze.TARGET)) {
      Dataset<Row> snap = ctx.readAll(PoolsSnapshotBronze.TARGET).select(col("organization_id"),
          col("instance_pool_id").as("pool_id"), unix_millis(col(TableStore.SNAP_TS)).as("pool_time"),
          col("instance_pool_name").as("pool_name"), col("node_type_id").as("pool_node_type"));
      // Clusters older than the first snapshot still find their pool: its first row again at time 0.
      Dataset<Row> firstRows = SparkUiEvents.firstPerKey(snap, List.of("organization_id", "pool_id"),
          col("pool_time").asc()).withColumn("pool_time", lit(0L));
      sources.add(snap.unionByName(firstRows));
    }
    for (String side : List.of("", "driver_")) {
      String poolId = side + "instance_pool_id";
      for (Dataset<Row> pools : sources) {
        Dataset<Row> right = pools.withColumnRenamed("pool_id", poolId)
            .withColumnRenamed("pool_name", side + "pool_name").withColumnRenamed("pool_node_type", side + "pool_node_type");
        out = TemporalLookups.lookupWhen(out, col("__t"), right, col("pool_time"), List.of("organization_id", poolId),
            List.of(side + "pool_name", side + "pool_node_type"), 0);
      }
      if (sources.isEmpty()) {
        out = out.withColumn(side + "pool_name", lit(null).cast("string"))
            .withColumn(side + "pool_node_type", lit(null).cast("string"));
      }
    }
    return out.drop("__t");
  }

  /** Step 5: the derived columns and the output shape. */
  static Dataset<Row> derive(Dataset<Row> defs) {
    Column conf = from_json(col("spark_conf"), STRING_MAP);
    Column profile = conf.getItem("spark.databricks.cluster.profile");
    Column singleNode = coalesce(profile.equalTo("singleNode"), lit(false));
    Column automated = coalesce(col("cluster_name").like("job-%-run-%"), lit(false));
    Column sqlCluster = coalesce(get_json_object(col("custom_tags"), "$.SqlEndpointId").isNotNull(), lit(false));
    WindowSpec before = Window.partitionBy("organization_id", "cluster_id").orderBy("timestamp")
        .rowsBetween(Window.unboundedPreceding(), -1);
    WindowSpec upTo = Window.partitionBy("organization_id", "cluster_id").orderBy("timestamp")
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Dataset<Row> d = SparkUiEvents.firstPerKey(defs, List.of("organization_id", "cluster_id", "actionName", "timestamp"),
        col("cluster_name").asc_nulls_last());
    d = d.withColumn("__single", singleNode).withColumn("is_automated", automated).withColumn("__sql", sqlCluster);
    d = d.withColumn("driver_node_type_id",
        when(col("driver_instance_pool_id").isNotNull(), coalesce(col("driver_pool_node_type"), col("driver_node_type_id")))
            .when(col("instance_pool_id").isNotNull(), coalesce(col("pool_node_type"), col("driver_node_type_id")))
            .when(col("is_automated"), coalesce(col("driver_node_type_id"), col("node_type_id")))
            .when(col("__single"), col("node_type_id"))
            .otherwise(coalesce(col("driver_node_type_id"), last(col("driver_node_type_id"), true).over(before),
                col("node_type_id"))));
    d = d.withColumn("node_type_id", when(col("__single"), lit(null).cast("string"))
        .when(col("instance_pool_id").isNotNull(), coalesce(col("pool_node_type"), col("node_type_id")))
        .otherwise(col("node_type_id")));
    d = d.withColumn("num_workers", when(col("__single"), lit(0)).otherwise(col("num_workers").cast("int")))
        .withColumn("cluster_type", when(col("__single"), lit("Single Node"))
            .when(coalesce(profile.equalTo("serverless"), lit(false)), lit("High-Concurrency"))
            .when(col("__sql"), lit("SQL Analytics")).otherwise(lit("Standard")))
        .withColumn("cluster_name", when(col("__sql"), lit("SQLAnalytics")).otherwise(col("cluster_name")))
        .withColumn("start_cluster", notFalse(col("start_cluster")))
        .withColumn("enable_elastic_disk", notFalse(col("enable_elastic_disk")))
        .withColumn("instance_pool_name", when(col("instance_pool_id").isNotNull(),
            coalesce(col("instance_pool_name"), col("pool_name"))))
        .withColumn("driver_instance_pool_name", when(col("driver_instance_pool_id").isNotNull(),
            col("driver_pool_name")))
        .withColumn("spark_version", coalesce(col("spark_version"), last(col("spark_version"), true).over(upTo)))
        .withColumn("runtime_engine", coalesce(upper(col("runtime_engine")),
            when(col("spark_version").contains("_photon_"), lit("PHOTON")), lit("STANDARD")));
    Column created = when(col("is_automated").and(col("actionName").equalTo("create")), lit("JobsService"))
        .when(col("actionName").equalTo("create"), col("userEmail"));
    d = d.withColumn("createdBy", created);
    d = d.withColumn("createdBy", coalesce(col("createdBy"), last(col("createdBy"), true).over(upTo),
        col("snapshotCreator")));
    d = d.withColumn("lastEditedBy", when(not(col("is_automated")).and(col("actionName").equalTo("edit")),
        col("userEmail")));
    d = d.withColumn("lastEditedBy", last(col("lastEditedBy"), true).over(upTo));
    Column allowed = conf.getItem("spark.databricks.repl.allowedLanguages");
    Column security = struct(
        coalesce(conf.getItem("spark.databricks.acl.dfAclsEnabled").cast("boolean"), lit(false)).as("table_acls_enabled"),
        coalesce(conf.getItem("spark.databricks.passthrough.enabled").cast("boolean"), lit(false))
            .as("credential_passthrough_enabled"),
        coalesce(conf.getItem("spark.databricks.pyspark.enableProcessIsolation").cast("boolean"), lit(false))
            .as("isolation_enabled"),
        coalesce(split(allowed, ","), array(lit("All"))).as("repl_languages_permitted"),
        struct(col("single_user_name").isNotNull().as("is_single_user"), col("single_user_name").as("single_user_name"))
            .as("single_user_profile"),
        col("aws_attributes").getItem("instance_profile_arn").as("instance_profile_arn"));
    return d.select(col("serviceName"), col("actionName"), col("organization_id"), col("cluster_id"),
        col("cluster_name"), col("driver_node_type_id"), col("node_type_id"), col("num_workers"), col("autoscale"),
        col("autotermination_minutes"), col("enable_elastic_disk"), col("is_automated"), col("cluster_type"),
        col("start_cluster"), col("cluster_log_conf"), col("init_scripts"), col("custom_tags"), col("cluster_source"),
        col("aws_attributes"), col("azure_attributes"), col("gcp_attributes"), col("spark_env_vars"),
        col("spark_conf"), col("acl_path_prefix"), col("driver_instance_pool_id"), col("instance_pool_id"),
        col("instance_pool_name"), col("driver_instance_pool_name"), col("spark_version"),
        col("idempotency_token"), col("timestamp"), col("runtime_engine"), col("deleted_by"),
        security.as("security_profile"), col("createdBy"), col("lastEditedBy"));
  }

  private static Column not(Column c) {
    return org.apache.spark.sql.functions.not(c);
  }

  /** False only when the value is explicitly false (modules.md 2014). */
  private static Column notFalse(Column c) {
    return when(c.cast("string").equalTo("false"), lit(false)).otherwise(lit(true));
  }

  static scala.collection.immutable.Seq<String> seq(List<String> cols) {
    return scala.jdk.javaapi.CollectionConverters.asScala(cols).toList();
  }
}
