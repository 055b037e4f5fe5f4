package dev.overwatch.jobs.sources;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.SparkConf;
import org.apache.spark.io.CompressionCodec;

/**
 * Opens an event-log file decompressed according to its name: Spark's own codecs for the names Spark
 * writes (.lz4, .lzf, .snappy, .zstd, also before ".inprogress"), Hadoop's codecs for the rest (.gz of
 * Databricks cluster-log delivery), plain otherwise.
 */
public final class EventLogStreams {
  public static final String IN_PROGRESS = ".inprogress";
  /** File extensions of Spark's event-log codecs (spark.eventLog.compression.codec short names). */
  static final java.util.Set<String> SPARK_CODECS = java.util.Set.of("lz4", "lzf", "snappy", "zstd");

  private EventLogStreams() {}

  /** Name without ".inprogress". */
  public static String withoutInProgress(String name) {
    return name.endsWith(IN_PROGRESS) ? name.substring(0, name.length() - IN_PROGRESS.length()) : name;
  }

  /** Spark codec short name of a log file name, if it is one of Spark's event-log codecs. */
  public static Optional<String> sparkCodec(String name) {
    String base = withoutInProgress(name);
    int dot = base.lastIndexOf('.');
    if (dot < 0) {
      return Optional.empty();
    }
    String ext = base.substring(dot + 1).toLowerCase(Locale.ROOT);
    return SPARK_CODECS.contains(ext) ? Optional.of(ext) : Optional.empty();
  }

  /** The name with its codec extension and ".inprogress" removed (the application id for OSS single files). */
  public static String baseName(String name) {
    String base = withoutInProgress(name);
    if (sparkCodec(base).isPresent() || base.endsWith(".gz")) {
      return base.substring(0, base.lastIndexOf('.'));
    }
    return base;
  }

  public static InputStream open(Path path, Configuration conf) throws IOException {
    FileSystem fs = path.getFileSystem(conf);
    InputStream raw = fs.open(path);
    try {
      Optional<String> codec = sparkCodec(path.getName());
      if (codec.isPresent()) {
        // A fresh SparkConf: only the codec's defaults matter for reading (block sizes are in the stream).
        return CompressionCodec.createCodec(new SparkConf(false), codec.get()).compressedInputStream(raw);
      }
      org.apache.hadoop.io.compress.CompressionCodec hadoop =
          new CompressionCodecFactory(conf).getCodec(new Path(withoutInProgress(path.toString())));
      return hadoop == null ? raw : hadoop.createInputStream(raw);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }
}
