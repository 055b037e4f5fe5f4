package dev.overwatch.operator;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/** Kubernetes events for transitions; best effort, never fails a reconcile. */
public final class EventRecorder {
  /** On a folded event: every transition it stands for, in order ("Created,Started,LayerStarted"). */
  public static final String REASONS = "overwatch.dev/reasons";
  static final int MAX_MESSAGE = 1000;
  private static final Logger LOG = Logger.getLogger(EventRecorder.class);

  private EventRecorder() {}

  /** One transition to report: the event's type (Normal, Warning), reason and message. */
  public record Transition(String type, String reason, String message) {}

  /** What one Event says: one transition, or several of one reconcile folded together. */
  public record Folded(String type, String reason, String message, List<String> reasons) {}

  /**
   * The transitions one reconcile persisted, as one event: each event is an API write, and the mock
   * (and a busy real) API server serves writes one at a time. The reason is the last transition's (the
   * state the object is in), the type Warning if any was, the message all messages in order; the
   * {@link #REASONS} annotation keeps every reason.
   */
  public static Optional<Folded> fold(List<Transition> transitions) {
    if (transitions.isEmpty()) {
      return Optional.empty();
    }
    Transition last = transitions.get(transitions.size() - 1);
    String type = transitions.stream().anyMatch(t -> "Warning".equals(t.type())) ? "Warning" : last.type();
    String message = transitions.stream().map(Transition::message).collect(Collectors.joining("; "));
    return Optional.of(new Folded(type, last.reason(), message, transitions.stream().map(Transition::reason).toList()));
  }

  /** Records the transitions of one reconcile as one event (none when there are none). */
  public static void record(KubernetesClient client, HasMetadata about, List<Transition> transitions, Instant now) {
    fold(transitions).ifPresent(f -> create(client, about, f, now));
  }

  public static void record(KubernetesClient client, HasMetadata about, String type, String reason, String message, Instant now) {
    create(client, about, new Folded(type, reason, message, List.of(reason)), now);
  }

  private static void create(KubernetesClient client, HasMetadata about, Folded f, Instant now) {
    String ts = Times.format(now);
    String message = f.message().length() > MAX_MESSAGE ? f.message().substring(0, MAX_MESSAGE) : f.message();
    try {
      client.v1().events().inNamespace(about.getMetadata().getNamespace()).resource(new EventBuilder()
          .withNewMetadata()
            .withName(about.getMetadata().getName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()))
            .withNamespace(about.getMetadata().getNamespace())
            .withAnnotations(f.reasons().size() > 1 ? Map.of(REASONS, String.join(",", f.reasons())) : null)
          .endMetadata()
          .withNewInvolvedObject()
            .withApiVersion(about.getApiVersion()).withKind(about.getKind()).withName(about.getMetadata().getName())
            .withNamespace(about.getMetadata().getNamespace()).withUid(about.getMetadata().getUid())
          .endInvolvedObject()
          .withType(f.type()).withReason(f.reason()).withMessage(message)
          .withFirstTimestamp(ts).withLastTimestamp(ts).withCount(1)
          .withNewSource().withComponent(Names.MANAGED_BY_VALUE).endSource()
          .withReportingComponent(Names.MANAGED_BY_VALUE)
          .build()).create();
    } catch (RuntimeException e) {
      LOG.debugf("event %s for %s not recorded: %s", f.reason(), about.getMetadata().getName(), e.getMessage());
    }
  }
}
