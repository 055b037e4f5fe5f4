package dev.overwatch.operator;

import dev.overwatch.api.v1alpha1.OverwatchRun;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The one active-run slot of a deployment: a Lease {@code <deployment>-active-run} whose create is
 * atomic on the API server, so two operator replicas never start two runs of one deployment.
 */
final class RunSlot {
  private static final Logger LOG = Logger.getLogger(RunSlot.class);
  private final RunContext c;

  RunSlot(RunContext c) {
    this.c = c;
  }

  /** Empty when this run holds the slot; otherwise the name of the holder. */
  Optional<String> acquire(String deployment) {
    String leaseName = Names.activeLease(deployment);
    Lease lease = new LeaseBuilder()
        .withNewMetadata()
          .withName(leaseName).withNamespace(c.ns)
          .withLabels(Map.of(Names.MANAGED_BY, Names.MANAGED_BY_VALUE, Names.COMPONENT, "active-run"))
          .withAnnotations(Map.of(Names.DEPLOYMENT, deployment))
          .withOwnerReferences(Resources.ownerOf(c.run))
        .endMetadata()
        .withNewSpec().withHolderIdentity(c.name()).endSpec()
        .build();
    try {
      c.client.leases().inNamespace(c.ns).resource(lease).create();
      return Optional.empty();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
    Lease existing = c.client.leases().inNamespace(c.ns).withName(leaseName).get();
    if (existing == null) {
      return Optional.of("(slot just released)");
    }
    String holder = existing.getSpec() == null ? null : existing.getSpec().getHolderIdentity();
    if (c.name().equals(holder)) {
      return Optional.empty();
    }
    OverwatchRun holderRun = c.ctx.getPrimaryCache().get(new ResourceID(String.valueOf(holder), c.ns)).orElse(null);
    if (holderRun == null || holderRun.getStatus() == null || RunReconciler.terminal(holderRun.getStatus().phase)) {
      LOG.infof("releasing stale slot of deployment %s/%s held by %s", c.ns, deployment, holder);
      c.client.leases().inNamespace(c.ns).withName(leaseName).delete();
    }
    return Optional.of(String.valueOf(holder));
  }

  void release() {
    if (c.run.getSpec() == null || c.run.getSpec().deploymentRef == null) {
      return;
    }
    c.ctx.getSecondaryResource(Lease.class)
        .filter(l -> l.getSpec() != null && c.name().equals(l.getSpec().getHolderIdentity()))
        .ifPresent(l -> c.client.leases().inNamespace(c.ns).withName(l.getMetadata().getName()).delete());
  }
}
