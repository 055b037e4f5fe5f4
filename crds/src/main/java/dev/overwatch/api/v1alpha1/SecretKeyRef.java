package dev.overwatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Reference to one key of a Secret in the deployment's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretKeyRef {
  @Required
  @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
  @JsonPropertyDescription("Secret name.")
  public String name;

  @Required
  @Pattern("^[-._a-zA-Z0-9]{1,253}$")
  @JsonPropertyDescription("Key inside the Secret.")
  public String key;

  public SecretKeyRef() {}

  public SecretKeyRef(String name, String key) {
    this.name = name;
    this.key = key;
  }
}
