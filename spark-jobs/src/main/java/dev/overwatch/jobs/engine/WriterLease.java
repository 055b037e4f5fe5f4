package dev.overwatch.jobs.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-writer lease of a deployment's storage ({@code <prefix>/<etlDatabase>/_overwatch_lease/}), held by a
 * run for as long as it may write. It lives in the storage itself, so it works across processes, pods and
 * machines, and needs nothing but a create-if-absent primitive of the store:
 *
 * <ul>
 *   <li>Lease {@code n} is the file {@code epoch-<n>} (holder: host, pid, run id, since). The highest epoch is the
 *       current lease. Acquiring creates {@code epoch-<n+1>} with create-if-absent: of two contenders only one
 *       succeeds, and a lease file is never overwritten or deleted while current, so there is no
 *       delete-then-create race.</li>
 *   <li>The holder renews {@code epoch-<n>.beat} every {@code ttl/4} from a background thread (one small
 *       object write, off the modules' path). A lease whose newest beat is older than {@code ttl}, or that
 *       has an {@code epoch-<n>.released} marker, is free.</li>
 *   <li>The holder stops writing (each module checks {@link #checkHeld()}, no I/O) when its own beats failed
 *       for a whole ttl or a later epoch appeared: it then is no longer the writer.</li>
 * </ul>
 *
 * Create-if-absent: the local file system through {@code java.nio} {@code CREATE_NEW} (atomic {@code O_EXCL});
 * other stores through Hadoop {@code create(overwrite=false)}, which is atomic on HDFS, ABFS and GCS; on S3 it is
 * atomic only with conditional writes (see docs/exactly-once.md).
 */
public final class WriterLease implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WriterLease.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EPOCH = "epoch-";
  private static final int EPOCHS_KEPT = 5;

  /** How long to wait for a lease held by another live run (zero: fail at once), and when a silent holder expires. */
  public record Policy(Duration maxWait, Duration ttl) {
    public static final Policy DEFAULT = new Policy(Duration.ofMinutes(30), Duration.ofSeconds(60));

    public Policy {
      if (ttl.toMillis() < 400) {
        throw new IllegalArgumentException("lease ttl must be at least 400 ms: " + ttl);
      }
      if (maxWait.isNegative()) {
        throw new IllegalArgumentException("lease wait must not be negative: " + maxWait);
      }
    }
  }

  /** Who holds a lease. */
  public record Holder(String runId, String host, long pid, String token, long since) {
    String describe() {
      return "run " + runId + " on host " + host + " (pid " + pid + ") since " + Instant.ofEpochMilli(since);
    }
  }

  /** Another live run holds the lease and this one may not wait (longer). */
  public static final class HeldException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HeldException(String message) {
      super(message);
    }
  }

  private final Store store;
  private final Policy policy;
  private final Clock clock;
  private final Holder me;
  private final ScheduledExecutorService heartbeat;
  private final long epoch;
  private volatile long lastBeat;
  private volatile String lost;

  private WriterLease(Store store, Policy policy, Clock clock, Holder me, long epoch) {
    this.store = store;
    this.policy = policy;
    this.clock = clock;
    this.me = me;
    this.epoch = epoch;
    this.lastBeat = clock.millis();
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "overwatch-lease-heartbeat");
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(100, policy.ttl().toMillis() / 4);
    heartbeat.scheduleWithFixedDelay(this::beat, period, period, TimeUnit.MILLISECONDS);
  }

  /** The lease folder of a deployment's ETL database. */
  public static String location(String storagePrefix, String etlDatabase) {
    return storagePrefix + "/" + etlDatabase + "/_overwatch_lease";
  }

  /**
   * Takes the lease for this run, waiting while another live run holds it (up to the policy's wait, telling
   * {@code waiting} who holds it); throws {@link HeldException} naming the holder when the wait is over.
   */
  public static WriterLease acquire(String location, Configuration hadoop, String runId, Policy policy, Clock clock,
      Consumer<String> waiting) {
    try {
      Store fs = Store.of(location, hadoop);
      Holder me = new Holder(runId, host(), ProcessHandle.current().pid(), UUID.randomUUID().toString(), 0);
      long deadline = clock.millis() + policy.maxWait().toMillis();
      String lastMessage = null;
      while (true) {
        long current = currentEpoch(fs);
        if (current >= 0) {
          Optional<String> busy = liveHolder(fs, current, policy, clock);
          if (busy.isPresent()) {
            String message = "the storage " + location + " is being written by " + busy.get();
            if (clock.millis() >= deadline) {
              throw new HeldException(message + "; not waiting " + (policy.maxWait().isZero() ? "(fail-fast)"
                  : "longer than " + policy.maxWait().toSeconds() + " s") + ". Run again when it has finished, or"
                  + " stop it; a holder that died frees the lease " + policy.ttl().toSeconds() + " s after its"
                  + " last heartbeat");
            }
            String holderOnly = message.replaceAll(" \\(last heartbeat \\d+ s ago\\)", "");
            if (!holderOnly.equals(lastMessage)) { // once per holder, not once per poll
              waiting.accept(message + "; waiting up to " + Duration.ofMillis(deadline - clock.millis()).toSeconds()
                  + " s for it to finish");
              lastMessage = holderOnly;
            }
            sleep(Math.min(1_000, Math.max(100, policy.ttl().toMillis() / 8)));
            continue;
          }
        }
        long next = current + 1;
        Holder mine = new Holder(me.runId(), me.host(), me.pid(), me.token(), clock.millis());
        if (fs.createIfAbsent(EPOCH + next, JSON.writeValueAsBytes(mine))) {
          WriterLease lease = new WriterLease(fs, policy, clock, mine, next);
          lease.beat();
          lease.pruneOldEpochs();
          LOG.info("Writer lease {} of {} taken by {}", next, location, mine.describe());
          return lease;
        }
        // Another contender created the same epoch first: look again.
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot take the writer lease at " + location + ": " + e.getMessage(), e);
    }
  }

  public Holder holder() {
    return me;
  }

  public long epoch() {
    return epoch;
  }

  /** Fails when this process may no longer write: its heartbeats failed for a ttl, or another run took over. */
  public void checkHeld() {
    if (lost != null) {
      throw new IllegalStateException("the writer lease was lost: " + lost);
    }
    long silent = clock.millis() - lastBeat;
    if (silent > policy.ttl().toMillis()) {
      throw new IllegalStateException("the writer lease was lost: no heartbeat could be written for " + silent
          + " ms (ttl " + policy.ttl().toMillis() + " ms)");
    }
  }

  /** Stops the heartbeat and marks the lease released, so a waiting run can start at once. */
  @Override
  public void close() {
    heartbeat.shutdown();
    try {
      // Let a beat being written finish: an interrupted write leaves a half-written object behind.
      heartbeat.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (lost != null) {
      return;
    }
    try {
      store.createIfAbsent(EPOCH + epoch + ".released", new byte[0]);
    } catch (IOException e) {
      LOG.warn("Could not release the writer lease {}; it expires after {}", store, policy.ttl(), e);
    }
  }

  private void beat() {
    try {
      if (store.exists(EPOCH + (epoch + 1))) {
        lost = "a later lease " + (epoch + 1) + " was taken while this run (" + me.describe() + ") was silent";
        LOG.error("Writer lease lost: {}", lost);
        heartbeat.shutdown();
        return;
      }
      long now = clock.millis();
      store.put(EPOCH + epoch + ".beat", Long.toString(now).getBytes(StandardCharsets.UTF_8));
      lastBeat = now;
    } catch (IOException | RuntimeException e) {
      // Keep trying: one failed beat is not a lost lease; checkHeld() tells after a whole ttl without one.
      LOG.warn("Writer lease heartbeat failed for {}", store, e);
    }
  }

  private void pruneOldEpochs() throws IOException {
    for (String name : store.list()) {
      long n = epochOf(name.indexOf('.') > 0 ? name.substring(0, name.indexOf('.')) : name);
      if (n >= 0 && n < epoch - EPOCHS_KEPT) {
        store.delete(name);
      }
    }
  }

  /** The holder of epoch n if it is alive (not released, heartbeat within ttl). */
  private static Optional<String> liveHolder(Store fs, long n, Policy policy, Clock clock) throws IOException {
    if (fs.exists(EPOCH + n + ".released")) {
      return Optional.empty();
    }
    Holder holder;
    try {
      holder = JSON.readValue(fs.read(EPOCH + n), Holder.class);
    } catch (IOException e) {
      // Unreadable lease file: treat as held; it expires like any other.
      holder = new Holder("?", "?", -1, "?", clock.millis());
    }
    long last = holder.since();
    if (fs.exists(EPOCH + n + ".beat")) {
      try {
        last = Math.max(last, Long.parseLong(new String(fs.read(EPOCH + n + ".beat"), StandardCharsets.UTF_8).trim()));
      } catch (NumberFormatException | IOException e) {
        // A beat being replaced: the holder was alive a moment ago.
        last = clock.millis();
      }
    }
    long silent = clock.millis() - last;
    if (silent > policy.ttl().toMillis()) {
      return Optional.empty();
    }
    return Optional.of(holder.describe() + " (last heartbeat " + Math.max(0, silent) / 1000 + " s ago)");
  }

  private static long currentEpoch(Store fs) throws IOException {
    return fs.list().stream().mapToLong(WriterLease::epochOf).max().orElse(-1);
  }

  private static long epochOf(String name) {
    if (!name.startsWith(EPOCH) || name.indexOf('.') >= 0) {
      return -1;
    }
    try {
      return Long.parseLong(name.substring(EPOCH.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The few object operations the lease needs, on the local file system or any Hadoop file system. */
  interface Store {
    List<String> list() throws IOException;

    boolean exists(String name) throws IOException;

    byte[] read(String name) throws IOException;

    /** Atomic create-if-absent with complete content; false when the object exists already. */
    boolean createIfAbsent(String name, byte[] content) throws IOException;

    /** Replaces the object whole (readers see the old or the new content). */
    void put(String name, byte[] content) throws IOException;

    void delete(String name) throws IOException;

    static Store of(String location, Configuration hadoop) throws IOException {
      Path dir = new Path(location);
      FileSystem fs = dir.getFileSystem(hadoop);
      if ("file".equals(fs.getUri().getScheme())) {
        return new LocalStore(Paths.get(fs.makeQualified(dir).toUri()));
      }
      fs.mkdirs(dir);
      return new HadoopStore(fs, dir);
    }
  }

  /**
   * java.nio on a local (or NFS) folder: Hadoop's local create(overwrite=false) checks, then opens (not atomic),
   * and its checksum files race with readers. A hard link to a complete temp file is atomic and fails if the name
   * exists; a rename replaces a beat whole.
   */
  record LocalStore(java.nio.file.Path dir) implements Store {
    LocalStore {
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public List<String> list() throws IOException {
      try (var files = Files.list(dir)) {
        return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList();
      }
    }

    @Override
    public boolean exists(String name) {
      return Files.exists(dir.resolve(name));
    }

    @Override
    public byte[] read(String name) throws IOException {
      return Files.readAllBytes(dir.resolve(name));
    }

    @Override
    public boolean createIfAbsent(String name, byte[] content) throws IOException {
      java.nio.file.Path tmp = temp(name, content);
      try {
        Files.createLink(dir.resolve(name), tmp);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      } finally {
        Files.deleteIfExists(tmp);
      }
    }

    @Override
    public void put(String name, byte[] content) throws IOException {
      Files.move(temp(name, content), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void delete(String name) throws IOException {
      Files.deleteIfExists(dir.resolve(name));
    }

    private java.nio.file.Path temp(String name, byte[] content) throws IOException {
      java.nio.file.Path tmp = dir.resolve("." + name + "." + UUID.randomUUID());
      Files.write(tmp, content);
      return tmp;
    }
  }

  /** Any Hadoop file system; create(overwrite=false) is atomic on HDFS, ABFS and GCS (see docs/exactly-once.md). */
  record HadoopStore(FileSystem fs, Path dir) implements Store {
    @Override
    public List<String> list() throws IOException {
      try {
        return Arrays.stream(fs.listStatus(dir)).map(f -> f.getPath().getName()).filter(n -> !n.startsWith(".")).toList();
      } catch (java.io.FileNotFoundException e) {
        // Object stores have no empty folders: before the first lease object there is nothing to list.
        return List.of();
      }
    }

    @Override
    public boolean exists(String name) throws IOException {
      return fs.exists(new Path(dir, name));
    }

    @Override
    public byte[] read(String name) throws IOException {
      try (InputStream in = fs.open(new Path(dir, name))) {
        return in.readAllBytes();
      }
    }

    @Override
    public boolean createIfAbsent(String name, byte[] content) throws IOException {
      try (OutputStream out = fs.create(new Path(dir, name), false)) {
        out.write(content);
        return true;
      } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
        return false;
      }
    }

    @Override
    public void put(String name, byte[] content) throws IOException {
      // Object stores replace an object whole on PUT; on HDFS a reader may briefly see an empty file (tolerated).
      try (OutputStream out = fs.create(new Path(dir, name), true)) {
        out.write(content);
      }
    }

    @Override
    public void delete(String name) throws IOException {
      fs.delete(new Path(dir, name), false);
    }
  }

  private static String host() {
    String pod = System.getenv("HOSTNAME");
    if (pod != null && !pod.isBlank()) {
      return pod;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return ManagementFactory.getRuntimeMXBean().getName();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the writer lease", e);
    }
  }
}
