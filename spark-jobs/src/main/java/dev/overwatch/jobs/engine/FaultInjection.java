package dev.overwatch.jobs.engine;

import java.util.Map;
import java.util.Optional;

/**
 * Crash points for the exactly-once tests, set by the environment variable OVERWATCH_FAULT_INJECTION=
 * {@code <action>-<point>:<moduleId>}. Actions: {@code halt} stops the JVM like a kill -9; {@code fail} throws an
 * ordinary exception (the module fails and rolls back); {@code abort} throws an {@link Abort} error that no engine
 * code catches, so the run ends there with no outcome row and no rollback, like a kill, inside one test JVM.
 * Points, in order: {@code before-write} (RUNNING marker written, nothing else), {@code after-target} (target
 * committed, side tables and quarantine not), {@code after-write} (everything committed, no outcome row),
 * {@code after-report} (outcome decided; its row is committed with the next module's RUNNING marker or at the end
 * of the workspace's layer), {@code rollback} (at the start of a rollback). Several faults are
 * separated by commas, e.g. {@code fail-after-write:1004,fail-rollback:1004}.
 */
public record FaultInjection(Optional<String> spec) {
  public static final String ENV = "OVERWATCH_FAULT_INJECTION";

  /** The in-process stand-in for a kill: an Error, so the engine's exception handlers let it through. */
  public static final class Abort extends Error {
    private static final long serialVersionUID = 1L;

    Abort(String message) {
      super(message);
    }
  }

  public static FaultInjection fromEnv(Map<String, String> env) {
    return new FaultInjection(Optional.ofNullable(env.get(ENV)));
  }

  public static FaultInjection none() {
    return new FaultInjection(Optional.empty());
  }

  public static FaultInjection of(String spec) {
    return new FaultInjection(Optional.of(spec));
  }

  void beforeWrite(int moduleId) {
    at("before-write", moduleId);
  }

  void afterTarget(int moduleId) {
    at("after-target", moduleId);
  }

  void afterWrite(int moduleId) {
    at("after-write", moduleId);
  }

  void afterReport(int moduleId) {
    at("after-report", moduleId);
  }

  void inRollback(int moduleId) {
    at("rollback", moduleId);
  }

  private void at(String point, int moduleId) {
    if (spec.isEmpty()) {
      return;
    }
    String suffix = "-" + point + ":" + moduleId;
    java.util.List<String> faults = java.util.Arrays.asList(spec.get().split(","));
    if (faults.contains("halt" + suffix)) {
      Runtime.getRuntime().halt(137);
    }
    if (faults.contains("fail" + suffix)) {
      throw new IllegalStateException("injected failure at " + point + " of module " + moduleId);
    }
    if (faults.contains("abort" + suffix)) {
      throw new Abort("injected abort at " + point + " of module " + moduleId);
    }
  }
}
