package dev.overwatch.jobs.engine;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;

/** Half-open module window [fromTS, untilTS) in epoch milliseconds. */
public record TimeWindow(long fromTS, long untilTS, boolean firstRun) {

  public boolean isEmpty() {
    return fromTS >= untilTS;
  }

  public LocalDate fromDate(ZoneId zone) {
    return Instant.ofEpochMilli(fromTS).atZone(zone).toLocalDate();
  }

  public LocalDate untilDate(ZoneId zone) {
    return Instant.ofEpochMilli(untilTS).atZone(zone).toLocalDate();
  }

  /** Calendar days from the date of fromTS through the date of untilTS, inclusive. */
  public long daysToProcess(ZoneId zone) {
    return ChronoUnit.DAYS.between(fromDate(zone), untilDate(zone)) + 1;
  }

  @Override
  public String toString() {
    return "[" + Instant.ofEpochMilli(fromTS) + ", " + Instant.ofEpochMilli(untilTS) + ")";
  }
}
