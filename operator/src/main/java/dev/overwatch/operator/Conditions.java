package dev.overwatch.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Kubernetes-style conditions: lastTransitionTime only moves when the status flips. */
public final class Conditions {
  private Conditions() {}

  public static void set(List<Condition> conditions, String type, String status, String reason, String message,
      Long generation, Instant now) {
    Optional<Condition> existing = get(conditions, type);
    String since = existing.filter(c -> Objects.equals(c.getStatus(), status)).map(Condition::getLastTransitionTime)
        .orElse(Times.format(now));
    Condition c = new ConditionBuilder().withType(type).withStatus(status).withReason(reason)
        .withMessage(message == null ? "" : message).withObservedGeneration(generation).withLastTransitionTime(since).build();
    conditions.removeIf(x -> type.equals(x.getType()));
    conditions.add(c);
    conditions.sort(java.util.Comparator.comparing(Condition::getType));
  }

  public static Optional<Condition> get(List<Condition> conditions, String type) {
    return conditions == null ? Optional.empty() : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return get(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }
}
