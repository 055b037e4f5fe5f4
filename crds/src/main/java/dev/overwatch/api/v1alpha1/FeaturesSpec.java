package dev.overwatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** Optional, off-by-default features. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FeaturesSpec {
  @Default("false")
  @JsonPropertyDescription("Run module 1012 (job runs snapshot through jobs/runs/list); slow on busy workspaces.")
  public Boolean jobRunSnapshot = false;

  @Default("false")
  @JsonPropertyDescription("Persist raw API traffic to the apiEventDetails table.")
  public Boolean traceApi = false;
}
