package dev.overwatch.jobs;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of the test classpath (by default the job entrypoint) in a separate JVM: for what a
 * shared test SparkSession cannot do (a process that dies mid-module, a session on another catalog, Spark
 * workloads that write event logs).
 */
public final class ChildJvm {
  private static final String JOB_MAIN = "dev.overwatch.jobs.cli.OverwatchJob";
  /** Flags of this JVM that the child needs too: Spark's module flags come from the pom's spark.java.opts. */
  private static final List<String> INHERITED_PREFIXES = List.of("--add-opens", "--add-modules", "--add-exports",
      "-XX:+IgnoreUnrecognizedVMOptions", "-Djdk.reflect.", "-Dio.netty.", "-Djava.io.tmpdir=");

  /** Exit code and combined output of a finished child. */
  public record Result(int exitCode, String output) {}

  /** Looks at a running child from outside, once a second. */
  @FunctionalInterface
  public interface Watchdog {
    /** Why the child is stuck (it is then killed and the test fails with this), or null while it is not. */
    String stuck();
  }

  private ChildJvm() {}

  /** The job entrypoint with these arguments, failing after 6 minutes. */
  public static Result run(Map<String, String> env, String... args) {
    return run(Duration.ofMinutes(6), () -> null, env, args);
  }

  /** The job entrypoint under a timeout and a watchdog. */
  public static Result run(Duration timeout, Watchdog watchdog, Map<String, String> env, String... args) {
    return runMain(JOB_MAIN, timeout, watchdog, env, args);
  }

  /** Any main class of the test classpath, failing after {@code timeoutMinutes}. */
  public static Result runMain(String mainClass, Map<String, String> env, int timeoutMinutes, String... args) {
    return runMain(mainClass, Duration.ofMinutes(timeoutMinutes), () -> null, env, args);
  }

  /**
   * Runs the child; one that the watchdog finds stuck, or that is still running after {@code timeout}, is
   * killed and fails the test with its output: a hang must fail CI, never stall it.
   */
  public static Result runMain(String mainClass, Duration timeout, Watchdog watchdog, Map<String, String> env,
      String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (INHERITED_PREFIXES.stream().anyMatch(flag::startsWith)) {
        cmd.add(flag);
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    try {
      Path log = Files.createTempFile("child-jvm", ".log");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!p.waitFor(1, TimeUnit.SECONDS)) {
        String stuck = System.nanoTime() > deadline ? "did not finish in " + timeout.toSeconds() + " s" : watchdog.stuck();
        if (stuck != null) {
          p.destroyForcibly();
          p.waitFor(30, TimeUnit.SECONDS);
          throw new AssertionError("child JVM killed: " + stuck + "\nargs: " + String.join(" ", args) + "\n"
              + Files.readString(log));
        }
      }
      return new Result(p.exitValue(), Files.readString(log));
    } catch (IOException e) {
      throw new AssertionError("cannot start a child JVM", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
