package dev.overwatch.jobs.gold;

import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.when;

import dev.overwatch.jobs.config.Scope;
import dev.overwatch.jobs.engine.ConsumerView;
import dev.overwatch.jobs.engine.GoldModule;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.ModuleContext;
import dev.overwatch.jobs.engine.ModuleSpec;
import dev.overwatch.jobs.engine.NoNewDataException;
import dev.overwatch.jobs.engine.SchemaEnforcer;
import dev.overwatch.jobs.engine.TargetTable;
import dev.overwatch.jobs.engine.WriteMode;
import dev.overwatch.jobs.silver.RuntimeStruct;
import dev.overwatch.jobs.silver.SparkExecutionsSilver;
import dev.overwatch.jobs.silver.SparkUiEvents;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** 3016 Gold_SparkStream -> sparkStream_gold (gold.md 3.18), view sparkstream (presentation.md 3.14). */
public final class SparkStreamGold extends GoldModule {
  public static final TargetTable TARGET = TargetTable.merge("sparkStream_gold", WriteMode.MERGE,
      List.of("organization_id", "spark_context_id", "cluster_id", "stream_id", "stream_run_id", "stream_batch_id",
          "stream_timestamp"),
      List.of("date", "stream_timestamp"), List.of("organization_id", "date"), 30);
  public static final ModuleSpec SPEC = ModuleSpec.of(3016, "Gold_SparkStream", Layer.GOLD, Scope.SPARK_EVENTS,
      TARGET, 1006, 2005);
  static final ConsumerView VIEW = ConsumerView.of("sparkstream", TARGET, "organization_id", "workspace_name",
      "spark_context_id", "cluster_id", "stream_id", "stream_run_id", "stream_batch_id", "stream_timestamp", "date",
      "streamSegment", "stream_name", "streaming_metrics", "execution_ids");
  static final String LISTENER = "org.apache.spark.sql.streaming.StreamingQueryListener";
  static final int MAX_EXECUTIONS_PER_BATCH = 100_000;
  /**
   * streaming_metrics: the progress payload with its variable parts kept as JSON strings (from_json
   * renders an object or array as its JSON text when the field is a string), so the table schema stays
   * stable whatever sources, sinks and metrics a query has.
   */
  static final StructType PROGRESS = SchemaEnforcer.fields("id", "runId", "name", "timestamp", "batchId:long",
          "batchDuration:long", "numInputRows:long", "inputRowsPerSecond:double", "processedRowsPerSecond:double",
          "durationMs")
      .add("eventTime", SchemaEnforcer.fields("avg", "max", "min", "watermark"))
      .add("stateOperators", DataTypes.StringType).add("sources", DataTypes.StringType)
      .add("sink", DataTypes.StringType).add("metrics", DataTypes.StringType)
      .add("observedMetrics", DataTypes.StringType);
  static final List<String> BATCH = List.of("organization_id", "spark_context_id", "cluster_id", "stream_id",
      "stream_run_id", "stream_batch_id");

  public SparkStreamGold() {
    super(SPEC, VIEW);
  }

  @Override
  public Dataset<Row> transform(ModuleContext ctx) {
    // 1. Started and progress events of the window (terminations carry no batch).
    Dataset<Row> bronze = SparkUiEvents.bronze(ctx, 0);
    Dataset<Row> events = bronze.where(col("Event").startsWith(LISTENER).and(col("Event").endsWith("TerminatedEvent").unary_$bang()));
    if (events.where(col("progress").isNotNull()).isEmpty()) {
      throw new NoNewDataException("no streaming progress events in the window", true);
    }
    // 2. Identity, time and segment of each event.
    Column pm = from_json(col("progress"), PROGRESS);
    Column streamTs = coalesce(expr("unix_millis(try_to_timestamp(pm.timestamp))"), col("Timestamp")).cast("double");
    Dataset<Row> parsed = events.select(col("organization_id"), col("SparkContextID").as("spark_context_id"),
            col("clusterId").as("cluster_id"), col("Event"), col("Timestamp"), col("fileCreateEpochMS"),
            SparkUiEvents.opt(events, "id", DataTypes.StringType).as("eventId"),
            SparkUiEvents.opt(events, "runId", DataTypes.StringType).as("eventRunId"),
            SparkUiEvents.opt(events, "name", DataTypes.StringType).as("eventName"), pm.as("pm"))
        .withColumn("stream_timestamp", streamTs)
        .withColumn("date", to_date(RuntimeStruct.secondsTimestamp(col("stream_timestamp"))))
        .withColumn("streamSegment", when(col("Event").endsWith("StartedEvent"), lit("Started"))
            .when(col("Event").endsWith("ProgressEvent"), lit("Progressed"))
            .otherwise(regexp_extract(col("Event"), "\\$Query(\\w+)Event$", 1)))
        .withColumn("stream_id", coalesce(col("pm.id"), col("eventId")))
        .withColumn("stream_run_id", coalesce(col("pm.runId"), col("eventRunId")))
        .withColumn("stream_batch_id", coalesce(col("pm.batchId"), lit(-1L)));
    // The name comes with the start event; progress events repeat it (used when the start was in an earlier window).
    var run = Window.partitionBy("organization_id", "spark_context_id", "cluster_id", "stream_id", "stream_run_id")
        .orderBy("stream_timestamp").rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    parsed = parsed.withColumn("stream_name", coalesce(last(col("eventName"), true).over(run), col("pm.name")));
    // 3. One row per key, from the newest event-log file.
    Dataset<Row> streams = SparkUiEvents.firstPerKey(parsed, TARGET.effectiveKeys(), col("fileCreateEpochMS").desc())
        // 4. An empty stateOperators list means none.
        .withColumn("streaming_metrics", col("pm").withField("stateOperators",
            when(col("pm.stateOperators").equalTo("[]"), lit(null).cast("string")).otherwise(col("pm.stateOperators"))));
    // 5-6. The SQL executions of each micro-batch.
    return streams.join(batchExecutions(ctx), scala.jdk.javaapi.CollectionConverters.asScala(BATCH).toSeq(), "left")
        .select(col("organization_id"), col("spark_context_id"), col("cluster_id"), col("stream_timestamp"),
            col("date"), col("streamSegment"), col("stream_id"), col("stream_name"), col("stream_run_id"),
            col("stream_batch_id"), col("streaming_metrics"), col("execution_ids"));
  }

  /** Execution ids per micro-batch, parsed from descriptions "name id = X runId = Y batch = N". */
  private static Dataset<Row> batchExecutions(ModuleContext ctx) {
    StructType schema = SchemaEnforcer.fields(BATCH.stream().map(c -> c.equals("stream_batch_id") ? c + ":long" : c)
        .toArray(String[]::new)).add("execution_ids", DataTypes.createArrayType(DataTypes.LongType));
    if (!ctx.tableExists(SparkExecutionsSilver.TARGET)) {
      return ctx.spark().createDataFrame(List.of(), schema);
    }
    Column tokens = split(trim(regexp_replace(regexp_replace(col("description"), "<br/>", " "), "[\\r\\n]", " ")),
        "\\s+");
    return ctx.readIncremental(SparkExecutionsSilver.TARGET, 30)
        .where(col("description").like("%id =%runId =%batch =%"))
        .withColumn("tokens", tokens)
        .select(col("organization_id"), col("SparkContextID").as("spark_context_id"), col("clusterId").as("cluster_id"),
            after(col("tokens"), array_position(col("tokens"), "id")).as("stream_id"),
            after(col("tokens"), array_position(col("tokens"), "runId")).as("stream_run_id"),
            after(col("tokens"), greatest(array_position(col("tokens"), "batchId"), array_position(col("tokens"), "batch")))
                .as("batchToken"),
            col("ExecutionID"))
        .withColumn("stream_batch_id", expr("try_cast(batchToken AS bigint)"))
        .groupBy(BATCH.stream().map(c -> col(c)).toArray(Column[]::new))
        .agg(collect_set(col("ExecutionID")).as("execution_ids"))
        .where(size(col("execution_ids")).leq(MAX_EXECUTIONS_PER_BATCH));
  }

  /** The token two places after position {@code pos} (1-based; 0 = absent), i.e. the value after "name =". */
  private static Column after(Column tokens, Column pos) {
    return when(pos.gt(0), try_element_at(tokens, pos.plus(2).cast("int")));
  }
}
