package dev.overwatch.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the job entrypoint in a separate JVM with the test classpath: for what a shared test
 * SparkSession cannot do (a process that dies mid-module, a session on another catalog).
 */
public final class ChildJvm {
  private static final String[] OPENS = {"java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net",
      "java.nio", "java.util", "java.util.concurrent", "java.util.concurrent.atomic", "jdk.internal.ref",
      "sun.nio.ch", "sun.nio.cs", "sun.security.action", "sun.util.calendar"};

  /** Exit code and combined output of a finished child. */
  public record Result(int exitCode, String output) {}

  /** Looks at a running child from outside, once a second. */
  @FunctionalInterface
  public interface Watchdog {
    /** Why the child is stuck (it is then killed and the test fails with this), or null while it is not. */
    String stuck();
  }

  private ChildJvm() {}

  public static Result run(Map<String, String> env, String... args) {
    return run(Duration.ofMinutes(6), () -> null, env, args);
  }

  /**
   * Runs the child; one that the watchdog finds stuck, or that is still running after {@code timeout}, is
   * killed and fails the test with its output: a hang must fail CI, never stall it.
   */
  public static Result run(Duration timeout, Watchdog watchdog, Map<String, String> env, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.add("-XX:+IgnoreUnrecognizedVMOptions");
    cmd.add("--add-modules=jdk.incubator.vector");
    for (String p : OPENS) {
      cmd.add("--add-opens=java.base/" + p + "=ALL-UNNAMED");
    }
    cmd.add("--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED");
    cmd.add("-Djdk.reflect.useDirectMethodHandle=false");
    cmd.add("-Dio.netty.tryReflectionSetAccessible=true");
    cmd.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.overwatch.jobs.cli.OverwatchJob");
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
