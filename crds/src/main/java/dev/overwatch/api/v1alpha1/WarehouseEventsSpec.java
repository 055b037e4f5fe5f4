package dev.overwatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** An export of Databricks' system.compute.warehouse_events table (the exact warehouse states). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WarehouseEventsSpec {
  @Required
  @JsonPropertyDescription("Folder (json, parquet) or Delta table path holding rows with workspace_id, warehouse_id, "
      + "event_type, cluster_count and event_time, as in system.compute.warehouse_events.")
  public String path;

  @Default("delta")
  @ValidationRule(value = "self in ['json', 'parquet', 'delta']",
      message = "warehouseEvents.format must be json, parquet or delta")
  @JsonPropertyDescription("File format of the export: json (JSON lines), parquet or delta.")
  public String format = "delta";
}
