package dev.overwatch.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
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

  private ChildJvm() {}

  public static Result run(Map<String, String> env, String... args) {
    return runMain("dev.overwatch.jobs.cli.OverwatchJob", env, 6, args);
  }

  /** Runs any main class of the test classpath in a child JVM, failing after {@code timeoutMinutes}. */
  public static Result runMain(String mainClass, Map<String, String> env, int timeoutMinutes, String... args) {
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
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    try {
      Path log = Files.createTempFile("child-jvm", ".log");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("child JVM did not finish in " + timeoutMinutes + " minutes: " + Files.readString(log));
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
