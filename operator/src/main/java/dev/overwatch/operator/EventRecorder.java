package dev.overwatch.operator;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/** Kubernetes events for transitions; best effort, never fails a reconcile. */
public final class EventRecorder {
  private static final Logger LOG = Logger.getLogger(EventRecorder.class);

  private EventRecorder() {}

  public static void record(KubernetesClient client, HasMetadata about, String type, String reason, String message, Instant now) {
    String ts = Times.format(now);
    try {
      client.v1().events().inNamespace(about.getMetadata().getNamespace()).resource(new EventBuilder()
          .withNewMetadata()
            .withName(about.getMetadata().getName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()))
            .withNamespace(about.getMetadata().getNamespace())
          .endMetadata()
          .withNewInvolvedObject()
            .withApiVersion(about.getApiVersion()).withKind(about.getKind()).withName(about.getMetadata().getName())
            .withNamespace(about.getMetadata().getNamespace()).withUid(about.getMetadata().getUid())
          .endInvolvedObject()
          .withType(type).withReason(reason).withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
          .withFirstTimestamp(ts).withLastTimestamp(ts).withCount(1)
          .withNewSource().withComponent(Names.MANAGED_BY_VALUE).endSource()
          .withReportingComponent(Names.MANAGED_BY_VALUE)
          .build()).create();
    } catch (RuntimeException e) {
      LOG.debugf("event %s for %s not recorded: %s", reason, about.getMetadata().getName(), e.getMessage());
    }
  }
}
