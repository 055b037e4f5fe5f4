package dev.overwatch.jobs.prices;

import java.util.Locale;
import java.util.Objects;

/**
 * One node type's specs and hourly prices (a row of a price file; costs.md 2.1).
 *
 * @param computeContractPrice hourly price the cost formulas use (defaults to the on-demand list price)
 */
public record InstancePrice(String apiName, String instance, Integer vCPUs, Double memoryGb, Integer gpus,
    Double computeContractPrice, Double onDemandCostHourly, Double hourlyDbus) {

  /** The key as costs.md 2.1 compares it: lower-cased and trimmed. */
  public String key() {
    return normalise(apiName);
  }

  public static String normalise(String apiName) {
    return apiName == null ? "" : apiName.trim().toLowerCase(Locale.ROOT);
  }

  /** Whether the figures a cost formula reads differ (a change that closes the old row and opens a new one). */
  public boolean pricesDifferFrom(InstancePrice other) {
    return !Objects.equals(vCPUs, other.vCPUs) || !Objects.equals(memoryGb, other.memoryGb)
        || !Objects.equals(computeContractPrice, other.computeContractPrice)
        || !Objects.equals(hourlyDbus, other.hourlyDbus);
  }
}
