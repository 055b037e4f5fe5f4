package dev.overwatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** Contract DBU prices in USD per DBU. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PricesSpec {
  @Default("0.55")
  @JsonPropertyDescription("All-purpose (interactive) compute.")
  public Double interactive = 0.55;

  @Default("0.15")
  @JsonPropertyDescription("Jobs (automated) compute.")
  public Double automated = 0.15;

  @Default("0.22")
  @JsonPropertyDescription("SQL compute.")
  public Double sqlCompute = 0.22;

  @Default("0.10")
  @JsonPropertyDescription("Jobs light compute.")
  public Double jobsLight = 0.10;

  @JsonPropertyDescription("Node price file (CSV with header API_Name and any of instance, vCPUs, Memory_GB, GPUs, "
      + "Compute_Contract_Price, On_Demand_Cost_Hourly, Hourly_DBUs) that overrides or extends the bundled "
      + "instanceDetails rows; a local path or an s3a://, abfss://, gs:// or file:// URI. See docs/prices.md.")
  public String instanceDetailsCsv;

  @JsonPropertyDescription("SQL warehouse DBU rate file (CSV with header cluster_size, total_dbus, activeFrom "
      + "(yyyy-MM-dd) and optionally driver_size, worker_count) whose rows become warehouseDbuDetails rows valid "
      + "from their activeFrom (Type-2); a local path or an s3a://, abfss://, gs:// or file:// URI. See docs/dbsql.md.")
  public String warehouseDbuDetailsCsv;
}
