package dev.overwatch.jobs.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.overwatch.jobs.sources.EventLineCheck.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one-pass line check of event logs (no Spark). */
class EventLineCheckTest {
  private final EventLineCheck check = new EventLineCheck(List.of("Timestamp", "Stage ID", "Task Info.Task ID",
      "Task Info.Launch Time", "Stage Info.Stage ID"));

  private static Verdict verdict(String event, String reason) {
    return new Verdict(event, reason, null);
  }

  private Verdict checked(String line) {
    Verdict v = check.check(line);
    return new Verdict(v.event(), v.reason(), null);
  }

  @Test
  void sortsEventsFromMalformedLines() {
    String notEvent = EventLineCheck.NOT_AN_EVENT;
    assertEquals(verdict("SparkListenerTaskEnd", null), checked("{\"Event\":\"SparkListenerTaskEnd\","
        + "\"Stage ID\":3,\"Task Info\":{\"Task ID\":7,\"Launch Time\":-1,\"Accumulables\":[{\"ID\":\"x\"}]},"
        + "\"Task Metrics\":{\"Stage ID\":\"not checked: other path\"},\"Timestamp\":null}"));
    // Key order does not matter; the Event may come last; nested objects off the checked paths are skipped.
    assertEquals(verdict("E", null), checked("{\"Other\":{\"Timestamp\":\"x\"},\"Event\":\"E\"}"));
    assertEquals(verdict(null, notEvent), checked("not json"));
    assertEquals(verdict(null, notEvent), checked("[{\"Event\":\"E\"}]"));
    assertEquals(verdict(null, notEvent), checked("{\"Event\":\"E\",\"Stage ID\":1"), "truncated");
    assertEquals(verdict(null, notEvent), checked("{\"Event\":\"E\",\"Task Info\":{\"Task ID\":1,"), "truncated");
    assertEquals(verdict(null, notEvent), checked("{\"Stage ID\":1}"), "no Event");
    assertEquals(verdict(null, notEvent), checked("{\"Event\":{\"a\":1}}"), "Event not a string");
    assertEquals(verdict("E", "event field Timestamp is not a number: yesterday"),
        checked("{\"Event\":\"E\",\"Timestamp\":\"yesterday\",\"Stage ID\":\"x\"}"), "the first failing field");
    assertEquals(verdict("E", "event field Task Info.Task ID is not a number: 1.5"),
        checked("{\"Event\":\"E\",\"Task Info\":{\"Task ID\":1.5}}"));
    assertEquals(verdict("E", "event field Stage Info.Stage ID is not a number: {\"a\":[1,2]}"),
        checked("{\"Event\":\"E\",\"Stage Info\":{\"Stage ID\":{\"a\":[1,2]}}}"));
    assertEquals(verdict("E", "event field Stage ID is not a number: 1234567890123456789"),
        checked("{\"Event\":\"E\",\"Stage ID\":1234567890123456789}"), "more than 18 digits");
    assertEquals(verdict("E", null), checked("{\"Event\":\"E\",\"Stage ID\":\"42\"}"), "a quoted integer");
    String longValue = "y".repeat(500);
    assertEquals(verdict("E", "event field Timestamp is not a number: " + "y".repeat(200)),
        checked("{\"Event\":\"E\",\"Timestamp\":\"" + longValue + "\"}"), "quoted up to 200 characters");
  }

  @Test
  void signaturesSeparateWhatSchemaInferenceSeparates() {
    String base = "{\"Event\":\"E\",\"A\":%s,\"B\":{\"C\":[%s]}}";
    String sig = check.check(String.format(base, "1", "{\"x\":\"1\"},{\"x\":\"2\"}")).signature();
    // Same kinds, other values, another number of equal array elements: same signature.
    assertEquals(sig, check.check(String.format(base, "-7", "{\"x\":\"a\"}")).signature());
    for (String[] other : new String[][] {{"1.5", "{\"x\":\"1\"}"}, {"\"1\"", "{\"x\":\"1\"}"},
        {"true", "{\"x\":\"1\"}"}, {"null", "{\"x\":\"1\"}"}, {"12345678901234567890", "{\"x\":\"1\"}"},
        {"1", "{\"x\":\"\"}"}, {"1", "{\"x\":1}"}, {"1", "{\"y\":\"1\"}"}, {"1", ""}, {"1", "{\"x\":\"1\"},{\"x\":2}"}}) {
      assertNotEquals(sig, check.check(String.format(base, other[0], other[1])).signature(), String.join(" ", other));
    }
    // Integers beyond a long infer as decimals of their precision.
    assertNotEquals(check.check("{\"Event\":\"E\",\"A\":12345678901234567890}").signature(),
        check.check("{\"Event\":\"E\",\"A\":123456789012345678901}").signature());
    // A field name cannot pose as structure.
    assertNotEquals(check.check("{\"Event\":\"E\",\"a\":1,\"b\":1}").signature(),
        check.check("{\"Event\":\"E\",\"a\\\":1,\\\"b\":1}").signature());
  }
}
