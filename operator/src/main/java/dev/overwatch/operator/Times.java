package dev.overwatch.operator;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

/** RFC 3339 helpers (seconds precision, UTC), as Kubernetes writes times. */
public final class Times {
  private Times() {}

  public static String format(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  public static Instant parse(String s) {
    return s == null ? null : OffsetDateTime.parse(s).toInstant();
  }

  /** Time left until {@code deadline}, at least 1 ms so that a reschedule always happens. */
  public static Duration until(Instant now, Instant deadline) {
    Duration d = Duration.between(now, deadline);
    return d.isNegative() || d.isZero() ? Duration.ofMillis(1) : d;
  }
}
