package dev.overwatch.jobs.sources;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.fs.Path;
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
 * Reads event-log files line by line, decompressing by name (EventLogStreams), one task per file.
 * Every line keeps its file and 1-based line number. A file that cannot be opened or decompressed
 * yields one extra row with {@code error} set (and the line number where reading stopped) instead of
 * failing the job, so one bad file never blocks the others.
 *
 * <p>With an {@link EventLineCheck}, each line is also checked while it is read ({@link #CHECKED_SCHEMA}: its
 * {@code event} name and the {@code reason} it is malformed, if it is), so no later step has to parse a line more
 * than once to sort good events from bad ones, nor to infer their schema; blank lines are then skipped.
 */
public final class EventLogReader {
  public static final StructType SCHEMA = new StructType()
      .add("filename", DataTypes.StringType)
      .add("lineNo", DataTypes.LongType)
      .add("line", DataTypes.StringType)
      .add("error", DataTypes.StringType);
  /**
   * {@link #SCHEMA} plus the verdict of an {@link EventLineCheck} (null on error rows) and {@code sample}: true on
   * the first good line (no reason) of each type signature in its file, so schema inference over the sample lines
   * gives exactly the schema inferred over all good lines.
   */
  public static final StructType CHECKED_SCHEMA = SCHEMA
      .add("event", DataTypes.StringType)
      .add("reason", DataTypes.StringType)
      .add("sample", DataTypes.BooleanType);

  private EventLogReader() {}

  public static Dataset<Row> read(SparkSession spark, List<String> files) {
    return read(spark, files, null);
  }

  /** One task per file (compressed streams cannot be split); lines checked by {@code check} when it is set. */
  public static Dataset<Row> read(SparkSession spark, List<String> files, EventLineCheck check) {
    StructType schema = check == null ? SCHEMA : CHECKED_SCHEMA;
    if (files.isEmpty()) {
      return spark.createDataFrame(List.of(), schema);
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    SerializableConfiguration conf = new SerializableConfiguration(spark.sparkContext().hadoopConfiguration());
    JavaRDD<Row> rows = jsc.parallelize(files, files.size())
        .flatMap(file -> new LineIterator(file, conf, check));
    return spark.createDataFrame(rows, schema);
  }

  /** Lazily streams one file's lines; turns any read failure into a final error row. */
  private static final class LineIterator implements Iterator<Row> {
    private final String file;
    private final SerializableConfiguration conf;
    private final EventLineCheck check;
    /** Type signatures of this file's good lines seen so far (per file: a file that fails is dropped whole). */
    private final java.util.Set<String> signatures = new java.util.HashSet<>();
    private BufferedReader reader;
    private Row next;
    private long lineNo;
    private boolean done;

    LineIterator(String file, SerializableConfiguration conf, EventLineCheck check) {
      this.file = file;
      this.conf = conf;
      this.check = check;
    }

    @Override
    public boolean hasNext() {
      if (next == null && !done) {
        next = advance();
      }
      return next != null;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Row r = next;
      next = null;
      return r;
    }

    private Row advance() {
      try {
        if (reader == null) {
          // Strict UTF-8 (Spark writes nothing else): bytes that do not decode are a corrupt file, not text to mangle.
          reader = new BufferedReader(new InputStreamReader(EventLogStreams.open(new Path(file), conf.value()),
              StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                  .onUnmappableCharacter(CodingErrorAction.REPORT)));
        }
        String line = reader.readLine();
        lineNo++;
        while (check != null && line != null && line.isBlank()) {
          line = reader.readLine();
          lineNo++;
        }
        if (line == null) {
          lineNo--;
          finish();
          return null;
        }
        if (check == null) {
          return RowFactory.create(file, lineNo, line, null);
        }
        EventLineCheck.Verdict v = check.check(line);
        boolean sample = v.reason() == null && signatures.add(v.signature());
        return RowFactory.create(file, lineNo, line, null, v.event(), v.reason(), sample);
      } catch (IOException | RuntimeException | LinkageError e) {
        finish();
        if (e instanceof IOException io && !(io instanceof CharacterCodingException) && TextLines.isTransient(io)) {
          // Transient (network, throttling, a file replaced while listed): fail the task so the module fails and
          // the next run reads the file again; marking it unreadable would skip it for good.
          throw new UncheckedIOException("cannot read " + file + " (retried on the next run): " + e.getMessage(), io);
        }
        String msg = e instanceof CharacterCodingException
            ? "not valid UTF-8 text at line " + (lineNo + 1) : e.getClass().getSimpleName() + ": " + e.getMessage();
        return check == null ? RowFactory.create(file, lineNo + 1, null, msg)
            : RowFactory.create(file, lineNo + 1, null, msg, null, null, false);
      }
    }

    private void finish() {
      done = true;
      if (reader != null) {
        try {
          reader.close();
        } catch (IOException | RuntimeException ignored) {
          // the file is done either way
        }
      }
    }
  }
}
