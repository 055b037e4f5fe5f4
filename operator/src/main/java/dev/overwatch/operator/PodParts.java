package dev.overwatch.operator;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.List;

/** What driver and executor pods share: the restricted security contexts, scheduling, storage and template volumes. */
final class PodParts {
  static final long SPARK_UID = 185L;

  private PodParts() {}

  /** Non-root uid 185 (the Spark image's user), RuntimeDefault seccomp. */
  static PodSecurityContext podSecurity() {
    return new PodSecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(SPARK_UID)
        .withFsGroup(SPARK_UID)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .build();
  }

  /** Read-only root file system (writable dirs are volumes), no privilege escalation, no capabilities. */
  static SecurityContext containerSecurity() {
    return new SecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .build();
  }

  /** The pod template's scheduling and pull settings. */
  static PodSpecBuilder scheduling(PodSpecBuilder spec, PodSpec template) {
    return spec
        .withNodeSelector(template.getNodeSelector())
        .withTolerations(template.getTolerations())
        .withAffinity(template.getAffinity())
        .withImagePullSecrets(template.getImagePullSecrets())
        .withPriorityClassName(template.getPriorityClassName());
  }

  /** Adds the storage PVC (when the prefix lives on one) and the template's own volumes and mounts. */
  static void addStorageAndTemplateVolumes(OverwatchDeployment d, PodSpec template, Container templateContainer,
      List<Volume> volumes, List<VolumeMount> mounts) {
    String prefix = d.getSpec().storage.prefix;
    if (d.getSpec().storage.volume != null) {
      volumes.add(new VolumeBuilder().withName("storage").withNewPersistentVolumeClaim().withClaimName(d.getSpec().storage.volume).endPersistentVolumeClaim().build());
      mounts.add(new VolumeMountBuilder().withName("storage").withMountPath(prefix.startsWith("file://") ? prefix.substring(7) : prefix).build());
    }
    if (template.getVolumes() != null) {
      volumes.addAll(template.getVolumes());
    }
    if (templateContainer.getVolumeMounts() != null) {
      mounts.addAll(templateContainer.getVolumeMounts());
    }
  }
}
