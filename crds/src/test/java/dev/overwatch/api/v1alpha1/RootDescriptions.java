package dev.overwatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.util.List;

/**
 * The generator documents properties only; this gives the schema root the kind's
 * {@code @JsonClassDescription}, which is what {@code kubectl explain owd} prints first.
 */
final class RootDescriptions implements CRDPostProcessor {
  private final List<Class<? extends HasMetadata>> kinds;

  RootDescriptions(List<Class<? extends HasMetadata>> kinds) {
    this.kinds = kinds;
  }

  @Override
  public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
    if (crd instanceof CustomResourceDefinition c) {
      String kind = c.getSpec().getNames().getKind();
      kinds.stream().filter(k -> k.getSimpleName().equals(kind)).findFirst()
          .map(k -> k.getAnnotation(JsonClassDescription.class))
          .ifPresent(d -> c.getSpec().getVersions().forEach(v -> v.getSchema().getOpenAPIV3Schema().setDescription(d.value())));
    }
    return crd;
  }
}
