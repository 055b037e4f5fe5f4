package dev.overwatch.jobs.sources;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads text files line by line keeping where each line came from (file and byte offset), so a
 * bad record can be quarantined with its position. Compression is handled by Hadoop's codecs.
 */
public final class TextLines {
  public static final StructType SCHEMA = new StructType()
      .add("filename", DataTypes.StringType)
      .add("offset", DataTypes.LongType)
      .add("line", DataTypes.StringType);

  private TextLines() {}

  public static Dataset<Row> read(SparkSession spark, List<String> files) {
    if (files.isEmpty()) {
      return spark.createDataFrame(List.of(), SCHEMA);
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    List<JavaRDD<Row>> parts = new ArrayList<>();
    for (String file : files) {
      JavaRDD<Row> rows = jsc.newAPIHadoopFile(file, TextInputFormat.class, LongWritable.class, Text.class, conf)
          .map(t -> RowFactory.create(file, t._1().get(), t._2().toString()));
      parts.add(rows);
    }
    JavaRDD<Row> all = parts.size() == 1 ? parts.get(0) : jsc.union(parts.toArray(JavaRDD[]::new));
    return spark.createDataFrame(all, SCHEMA);
  }

  /** Files (not folders, not hidden) directly inside a folder, qualified; empty when the folder is absent. */
  public static List<String> listFiles(SparkSession spark, String folder) {
    try {
      Path path = new Path(folder);
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(path)) {
        return List.of();
      }
      List<String> out = new ArrayList<>();
      for (FileStatus st : fs.listStatus(path)) {
        String name = st.getPath().getName();
        if (st.isFile() && !name.startsWith(".") && !name.startsWith("_")) {
          out.add(st.getPath().toString());
        }
      }
      out.sort(String::compareTo);
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + folder + ": " + e.getMessage(), e);
    }
  }

  public static boolean exists(SparkSession spark, String location) {
    try {
      Path path = new Path(location);
      return path.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(path);
    } catch (IOException e) {
      throw new IllegalStateException("cannot access " + location + ": " + e.getMessage(), e);
    }
  }
}
