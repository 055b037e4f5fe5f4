package dev.overwatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Storage root of all tables. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StorageSpec {
  @Required
  @Pattern("^\\S+$")
  @JsonPropertyDescription("Root of all data: s3a://, abfss://, gs://, file:// or a local/PVC path. Tables live at <prefix>/<database>/<table>.")
  public String prefix;

  @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
  @JsonPropertyDescription("Optional PersistentVolumeClaim mounted at the prefix (when the prefix is a local path).")
  public String volume;
}
