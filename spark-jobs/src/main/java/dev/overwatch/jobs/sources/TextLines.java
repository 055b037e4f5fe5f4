package dev.overwatch.jobs.sources;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Reads text files line by line keeping where each line came from (file and byte offset), so a bad record
 * can be quarantined with its position. Compression is handled by Hadoop's codecs (by file extension).
 *
 * <p>Bad input never fails the read: a line that is not valid UTF-8 or longer than {@link #MAX_LINE_BYTES} comes
 * back with an {@code error} (and its first {@link #KEPT_BYTES} bytes, so a huge line never sits in memory);
 * a compressed file that is corrupt or truncated comes back as one row with {@code offset} -1 and the error,
 * and none of its lines (all or nothing: no partial file). Other I/O errors are transient (network, throttling)
 * and fail the read, so the module fails and the next run reads the file again.
 */
public final class TextLines {
  public static final StructType SCHEMA = new StructType()
      .add("filename", DataTypes.StringType)
      .add("offset", DataTypes.LongType)
      .add("line", DataTypes.StringType)
      .add("error", DataTypes.StringType);
  /** Longest line read as a record (the longest real audit record is well under 1 MiB). */
  public static final int MAX_LINE_BYTES = 16 * 1024 * 1024;
  /** Bytes kept of a line that is quarantined (over the limit or not UTF-8). */
  public static final int KEPT_BYTES = 4096;

  private TextLines() {}

  public static Dataset<Row> read(SparkSession spark, List<String> files) {
    if (files.isEmpty()) {
      return spark.createDataFrame(List.of(), SCHEMA);
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    SerializableConfiguration conf = new SerializableConfiguration(spark.sparkContext().hadoopConfiguration());
    JavaRDD<Row> rows = jsc.parallelize(files, files.size()).flatMap(f -> readFile(f, conf.value(), MAX_LINE_BYTES).iterator());
    return spark.createDataFrame(rows, SCHEMA);
  }

  /** The rows of one file (see the class comment); package-visible for tests of the limits. */
  static List<Row> readFile(String file, Configuration conf, int maxLineBytes) {
    Path path = new Path(file);
    CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
    List<Row> rows = new ArrayList<>();
    try (InputStream raw = path.getFileSystem(conf).open(path);
        InputStream in = new BufferedInputStream(codec == null ? raw : codec.createInputStream(raw), 1 << 16)) {
      LineBuffer line = new LineBuffer(maxLineBytes);
      long offset = 0;
      long lineStart = 0;
      int b;
      while ((b = in.read()) >= 0) {
        offset++;
        if (b == '\n') {
          rows.add(line.toRow(file, lineStart));
          line.reset();
          lineStart = offset;
        } else {
          line.add((byte) b);
        }
      }
      if (line.length() > 0) {
        rows.add(line.toRow(file, lineStart));
      }
      return rows;
    } catch (IOException e) {
      if (codec != null && !isTransient(e)) {
        return List.of(RowFactory.create(file, -1L, null,
            "corrupt or truncated " + codec.getDefaultExtension() + " file: " + e));
      }
      throw new UncheckedIOException("cannot read " + file + " (retried on the next run): " + e.getMessage(), e);
    } catch (RuntimeException | InternalError e) {
      // Codecs report bad data as runtime errors too (e.g. a truncated block of a native codec).
      if (codec != null) {
        return List.of(RowFactory.create(file, -1L, null,
            "corrupt or truncated " + codec.getDefaultExtension() + " file: " + e));
      }
      throw e;
    }
  }

  /** Known transient failures (network, throttling, vanished file); any other error of a codec is bad data. */
  static boolean isTransient(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.SocketException || t instanceof java.io.InterruptedIOException
          || t instanceof java.net.UnknownHostException || t instanceof java.io.FileNotFoundException
          || String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT)
              .matches("(?s).*(throttl|slow down|timed out|connection reset|service unavailable|\\b503\\b).*")) {
        return true;
      }
    }
    return false;
  }

  /** One line's bytes, kept up to the first KEPT_BYTES once it is over the limit. */
  private static final class LineBuffer {
    private final int max;
    private byte[] buf = new byte[256];
    private int kept;
    private long length;

    LineBuffer(int max) {
      this.max = max;
    }

    void add(byte b) {
      length++;
      if (length > max && kept >= KEPT_BYTES) {
        return; // over the limit: only the first KEPT_BYTES are returned
      }
      if (kept >= buf.length) {
        buf = Arrays.copyOf(buf, Math.min(buf.length * 2, Math.max(max, KEPT_BYTES)));
      }
      buf[kept++] = b;
    }

    long length() {
      return length;
    }

    void reset() {
      kept = 0;
      length = 0;
      if (buf.length > 1 << 20) {
        buf = new byte[256];
      }
    }

    Row toRow(String file, long offset) {
      int end = kept > 0 && buf[kept - 1] == '\r' ? kept - 1 : kept;
      if (length > max) {
        return RowFactory.create(file, offset, decodeLossy(Math.min(end, KEPT_BYTES)),
            "line of " + length + " bytes is over the limit of " + max + " bytes (kept truncated)");
      }
      try {
        String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(buf, 0, end)).toString();
        return RowFactory.create(file, offset, text, null);
      } catch (CharacterCodingException e) {
        return RowFactory.create(file, offset, decodeLossy(Math.min(end, KEPT_BYTES)), "not valid UTF-8 text");
      }
    }

    private String decodeLossy(int n) {
      return new String(buf, 0, n, StandardCharsets.UTF_8);
    }
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
