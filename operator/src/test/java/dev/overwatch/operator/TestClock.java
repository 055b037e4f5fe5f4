package dev.overwatch.operator;

import io.quarkus.test.Mock;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** System time plus an offset the schedule tests can move forward (replaces the production Clock bean). */
@Mock
@Singleton // one instance shared by the test and the reconcilers
public class TestClock extends Clock {
  private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

  public void advance(Duration d) {
    offset.updateAndGet(o -> o.plus(d));
  }

  public void reset() {
    offset.set(Duration.ZERO);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(offset.get());
  }
}
