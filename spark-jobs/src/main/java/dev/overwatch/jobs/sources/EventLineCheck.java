package dev.overwatch.jobs.sources;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks one event-log line in a single streaming pass (Jackson, no tree): is it a JSON object with a string
 * {@code Event}, and does each number field the bronze schema types as a long hold an integer? Replaces one
 * JSON parse per checked field (get_json_object) by one walk over the line, done while the file is read.
 *
 * <p>The same walk gives the line's <em>type signature</em>: its field names and nesting with, for each value,
 * the JSON kind that decides the type Spark's JSON schema inference gives it (non-empty string; empty string or
 * null; integer that fits a long; larger integer with its precision; fraction; boolean), arrays with repeated
 * element signatures collapsed. Lines with equal signatures infer to equal schemas, so inferring over one line
 * per signature gives exactly the schema inferred over all lines.
 */
public final class EventLineCheck implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  /** Reason given to a line that is not a JSON object with a string Event. */
  public static final String NOT_AN_EVENT = "not a JSON Spark listener event";
  private static final JsonFactory JSON = new JsonFactory();
  /** Longest value text quoted in a reason. */
  private static final int QUOTED_CHARS = 200;

  private final List<String> numberFields;
  private final String[][] paths;

  /** @param numberFields dotted paths of the fields that must be integers (e.g. {@code Task Info.Task ID}) */
  public EventLineCheck(List<String> numberFields) {
    this.numberFields = List.copyOf(numberFields);
    this.paths = this.numberFields.stream().map(f -> f.split("\\.")).toArray(String[][]::new);
  }

  /**
   * The verdict on one line: {@code event} is null when the line is not a JSON object with a string Event
   * (then {@code reason} is {@link #NOT_AN_EVENT}); otherwise {@code reason} names the first number field, in
   * {@link #numberFields} order, whose value is not an integer of at most 18 digits, or is null. {@code signature}
   * is the line's type signature (null when it is not an event).
   */
  public record Verdict(String event, String reason, String signature) {}

  public Verdict check(String line) {
    Walk w = new Walk(line);
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return new Verdict(null, NOT_AN_EVENT, null);
      }
      w.object(p, new ArrayList<>());
    } catch (IOException | RuntimeException e) {
      return new Verdict(null, NOT_AN_EVENT, null); // malformed or truncated
    }
    if (w.event == null || w.event.isEmpty()) {
      return new Verdict(null, NOT_AN_EVENT, null);
    }
    for (int i = 0; i < w.values.length; i++) {
      String v = w.values[i];
      if (v != null && !isLong(v)) {
        return new Verdict(w.event, "event field " + numberFields.get(i) + " is not a number: "
            + (v.length() > QUOTED_CHARS ? v.substring(0, QUOTED_CHARS) : v), w.sig.toString());
      }
    }
    return new Verdict(w.event, null, w.sig.toString());
  }

  /** State of one line's walk. */
  private final class Walk {
    final String line;
    final String[] values = new String[paths.length];
    final StringBuilder sig = new StringBuilder(256);
    String event;

    Walk(String line) {
      this.line = line;
    }

    /** At START_OBJECT; consumes up to its END_OBJECT. {@code path} is null below the checked depth. */
    void object(JsonParser p, List<String> path) throws IOException {
      sig.append('{');
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
        if (t != JsonToken.FIELD_NAME) {
          throw new IOException("unexpected " + t);
        }
        String name = p.currentName();
        sig.append(name.length()).append('#').append(name);
        JsonToken v = p.nextToken();
        if (path != null && path.isEmpty() && name.equals("Event") && event == null) {
          event = v == JsonToken.VALUE_STRING ? p.getText() : "";
        }
        int field = path == null ? -1 : fieldAt(path, name);
        int start = field >= 0 && values[field] == null ? (int) p.currentTokenLocation().getCharOffset() : -1;
        List<String> below = null;
        if (path != null && v == JsonToken.START_OBJECT && isPrefix(path, name)) {
          below = new ArrayList<>(path);
          below.add(name);
        }
        value(p, v, below);
        if (start >= 0 && v != JsonToken.VALUE_NULL) {
          values[field] = v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY
              ? line.substring(start, Math.min(line.length(), (int) p.currentLocation().getCharOffset()))
              : p.getText();
        }
      }
      sig.append('}');
    }

    void value(JsonParser p, JsonToken t, List<String> path) throws IOException {
      if (t == null) {
        throw new IOException("truncated");
      }
      switch (t) {
        case START_OBJECT -> object(p, path);
        case START_ARRAY -> array(p);
        case VALUE_STRING -> sig.append(p.getTextLength() < 1 ? 'n' : 's');
        case VALUE_NULL -> sig.append('n');
        case VALUE_TRUE, VALUE_FALSE -> sig.append('t');
        case VALUE_NUMBER_FLOAT -> sig.append('d');
        case VALUE_NUMBER_INT -> {
          JsonParser.NumberType n = p.getNumberType();
          if (n == JsonParser.NumberType.INT || n == JsonParser.NumberType.LONG) {
            sig.append('l');
          } else {
            BigDecimal d = p.getDecimalValue();
            sig.append('b').append(d.precision()).append(',').append(d.scale()).append(';');
          }
        }
        default -> throw new IOException("unexpected " + t);
      }
    }

    /** Elements' signatures, a run of equal ones kept once (the inferred element type is their merge). */
    void array(JsonParser p) throws IOException {
      sig.append('[');
      int prevStart = -1;
      int prevEnd = -1;
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        int start = sig.length();
        value(p, t, null);
        int end = sig.length();
        if (prevStart >= 0 && end - start == prevEnd - prevStart && sig.substring(start, end)
            .contentEquals(sig.subSequence(prevStart, prevEnd))) {
          sig.setLength(start);
        } else {
          prevStart = start;
          prevEnd = end;
        }
      }
      sig.append(']');
    }
  }

  /** Index of the checked field at {@code path + name}, or -1. */
  private int fieldAt(List<String> path, String name) {
    for (int i = 0; i < paths.length; i++) {
      if (matches(paths[i], path, name, false)) {
        return i;
      }
    }
    return -1;
  }

  /** True when some checked field lies below {@code path + name}. */
  private boolean isPrefix(List<String> path, String name) {
    for (String[] f : paths) {
      if (matches(f, path, name, true)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(String[] parts, List<String> path, String name, boolean prefix) {
    int n = path.size() + 1;
    if (prefix ? parts.length <= n : parts.length != n) {
      return false;
    }
    for (int i = 0; i < path.size(); i++) {
      if (!parts[i].equals(path.get(i))) {
        return false;
      }
    }
    return parts[path.size()].equals(name);
  }

  /** {@code -?[0-9]{1,18}}: an integer that fits a long. */
  static boolean isLong(String v) {
    int i = v.startsWith("-") ? 1 : 0;
    int digits = v.length() - i;
    if (digits < 1 || digits > 18) {
      return false;
    }
    for (; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
