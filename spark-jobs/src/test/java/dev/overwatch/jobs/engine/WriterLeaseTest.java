package dev.overwatch.jobs.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer lease on the local file system, without Spark: exclusion, fail-fast message, expiry, take-over. */
class WriterLeaseTest {
  private static final Configuration HADOOP = new Configuration();
  private static final WriterLease.Policy FAIL_FAST = new WriterLease.Policy(Duration.ZERO, Duration.ofSeconds(60));

  @TempDir
  Path dir;

  /** A clock that tests move by hand. */
  private static final class MovableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-11-28T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private String location() {
    return WriterLease.location("file:" + dir, "etl");
  }

  @Test
  void oneOfManyConcurrentContendersWinsAndTheOthersNameIt() throws Exception {
    int contenders = 6;
    ExecutorService pool = Executors.newFixedThreadPool(contenders);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<WriterLease>> futures = new ArrayList<>();
    for (int i = 0; i < contenders; i++) {
      String run = "run" + i;
      futures.add(pool.submit(() -> {
        start.await();
        try {
          return WriterLease.acquire(location(), HADOOP, run, FAIL_FAST, Clock.systemUTC(), m -> { });
        } catch (WriterLease.HeldException e) {
          assertTrue(e.getMessage().matches("the storage \\S+ is being written by run run\\d on host \\S+ \\(pid \\d+\\) since"
              + " \\S+ \\(last heartbeat \\d+ s ago\\); not waiting \\(fail-fast\\)\\..*"), e.getMessage());
          return null;
        }
      }));
    }
    start.countDown();
    List<WriterLease> winners = new ArrayList<>();
    for (Future<WriterLease> f : futures) {
      if (f.get() != null) {
        winners.add(f.get());
      }
    }
    pool.shutdown();
    assertEquals(1, winners.size(), "exactly one writer");
    winners.get(0).close();
    // Released: the next run takes the lease at once, as epoch 1.
    try (WriterLease next = WriterLease.acquire(location(), HADOOP, "next", FAIL_FAST, Clock.systemUTC(), m -> { })) {
      assertEquals(1, next.epoch());
      next.checkHeld();
    }
  }

  @Test
  void aSilentHolderExpiresAndLearnsItLostTheLease() throws Exception {
    MovableClock clock = new MovableClock();
    WriterLease.Policy policy = new WriterLease.Policy(Duration.ofSeconds(30), Duration.ofSeconds(2));
    // The holder's heartbeats all carry the same instant (as if the process froze); the contender's clock moves on.
    WriterLease dead = WriterLease.acquire(location(), HADOOP, "dead", policy, Clock.fixed(clock.instant(), ZoneOffset.UTC),
        m -> { });
    List<String> waits = new ArrayList<>();
    Thread mover = new Thread(() -> {
      sleep(300);
      clock.advance(Duration.ofSeconds(5));
    });
    mover.start();
    try (WriterLease taker = WriterLease.acquire(location(), HADOOP, "taker", policy, clock, waits::add)) {
      mover.join();
      assertEquals(1, taker.epoch());
      assertEquals(1, waits.size(), waits.toString());
      assertTrue(waits.get(0).contains("being written by run dead") && waits.get(0).contains("waiting up to"), waits.get(0));
      // The old holder's heartbeat sees the later lease and stops writing.
      long deadline = System.currentTimeMillis() + 5_000;
      while (System.currentTimeMillis() < deadline) {
        try {
          dead.checkHeld();
          sleep(100);
        } catch (IllegalStateException lost) {
          assertTrue(lost.getMessage().contains("a later lease 1 was taken"), lost.getMessage());
          dead.close();
          return;
        }
      }
      throw new AssertionError("the silent holder never noticed the take-over");
    }
  }

  @Test
  void waitingEndsWithTheHolderNamedWhenItDoesNotFinish() {
    try (WriterLease holder = WriterLease.acquire(location(), HADOOP, "long", FAIL_FAST, Clock.systemUTC(), m -> { })) {
      WriterLease.Policy shortWait = new WriterLease.Policy(Duration.ofMillis(500), Duration.ofSeconds(60));
      WriterLease.HeldException e = assertThrows(WriterLease.HeldException.class,
          () -> WriterLease.acquire(location(), HADOOP, "late", shortWait, Clock.systemUTC(), m -> { }));
      assertTrue(e.getMessage().contains("run long on host") && e.getMessage().contains("not waiting longer than 0 s"),
          e.getMessage());
      holder.checkHeld();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
