package dev.overwatch.jobs.engine;

import java.util.Map;
import java.util.Optional;

/**
 * Crash points for the exactly-once tests: environment variable OVERWATCH_FAULT_INJECTION=
 * {@code halt-after-write:<moduleId>} stops the JVM like a kill -9 right after the module's
 * target commit and before its report row; {@code fail-after-write:<moduleId>} throws there instead.
 */
public record FaultInjection(Optional<String> spec) {
  public static final String ENV = "OVERWATCH_FAULT_INJECTION";

  public static FaultInjection fromEnv(Map<String, String> env) {
    return new FaultInjection(Optional.ofNullable(env.get(ENV)));
  }

  public static FaultInjection none() {
    return new FaultInjection(Optional.empty());
  }

  void afterWrite(int moduleId) {
    if (spec.isEmpty()) {
      return;
    }
    if (spec.get().equals("halt-after-write:" + moduleId)) {
      Runtime.getRuntime().halt(137);
    }
    if (spec.get().equals("fail-after-write:" + moduleId)) {
      throw new IllegalStateException("injected failure after the write of module " + moduleId);
    }
  }
}
