package dev.overwatch.jobs.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad bytes never fail the line reader: they come back as rows with an error (issue 9 defect 5), without Spark. */
class TextLinesTest {
  @TempDir
  Path dir;

  private static final Configuration CONF = new Configuration();

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  @Test
  void badLinesAndBadArchivesComeBackWithTheirReason() throws IOException {
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    plain.write("{\"a\":1}\r\n".getBytes(StandardCharsets.UTF_8));
    plain.write(new byte[] {'{', '"', 'b', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'}); // invalid UTF-8
    plain.write(("{\"long\":\"" + "x".repeat(5000) + "\"}\n").getBytes(StandardCharsets.UTF_8));
    plain.write("{\"é\":\"ü\"}".getBytes(StandardCharsets.UTF_8)); // last line without a newline
    Path file = dir.resolve("a.json");
    Files.write(file, plain.toByteArray());
    List<Row> rows = TextLines.readFile(file.toUri().toString(), CONF, 100);
    assertEquals(4, rows.size(), rows.toString());
    assertEquals("{\"a\":1}", rows.get(0).getString(2), "CRLF line ending removed");
    assertNull(rows.get(0).get(3));
    assertEquals(0L, rows.get(0).getLong(1));
    assertEquals("not valid UTF-8 text", rows.get(1).getString(3));
    assertEquals(9L, rows.get(1).getLong(1), "byte offset of the line");
    assertTrue(rows.get(2).getString(3).startsWith("line of 5011 bytes is over the limit of 100 bytes"), rows.get(2).toString());
    assertEquals(TextLines.KEPT_BYTES, rows.get(2).getString(2).length(), "a long line is kept truncated");
    assertEquals("{\"é\":\"ü\"}", rows.get(3).getString(2));

    Path good = dir.resolve("good.json.gz");
    Files.write(good, gzip("{\"a\":1}\n{\"a\":2}\n".getBytes(StandardCharsets.UTF_8)));
    assertEquals(2, TextLines.readFile(good.toUri().toString(), CONF, 100).size());

    byte[] whole = gzip(("{\"a\":1}\n".repeat(2000)).getBytes(StandardCharsets.UTF_8));
    Path truncated = dir.resolve("truncated.json.gz");
    Files.write(truncated, Arrays.copyOf(whole, whole.length / 2));
    Path corrupt = dir.resolve("corrupt.json.gz");
    byte[] bad = whole.clone();
    for (int i = 20; i < bad.length - 20; i += 7) {
      bad[i] = (byte) ~bad[i];
    }
    Files.write(corrupt, bad);
    Path notGzip = dir.resolve("plain-text.json.gz");
    Files.writeString(notGzip, "{\"a\":1}\n");
    for (Path p : List.of(truncated, corrupt, notGzip)) {
      List<Row> r = TextLines.readFile(p.toUri().toString(), CONF, 100);
      assertEquals(1, r.size(), p + ": " + r);
      assertEquals(-1L, r.get(0).getLong(1), "one row for the whole file, no partial lines");
      assertTrue(r.get(0).getString(3).startsWith("corrupt or truncated .gz file"), r.get(0).toString());
    }
  }
}
