package dev.overwatch.operator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;

/** The operator's own meters (JOSDK's reconcile meters come on top through Micrometer). */
@Singleton
public class OperatorMetrics {
  private final MeterRegistry registry;

  @Inject
  public OperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Runs reaching a phase (rate of Succeeded/Failed/Cancelled per deployment-agnostic phase). */
  public void runPhase(String phase) {
    Counter.builder("overwatch.runs").tag("phase", phase).description("Runs that reached a phase").register(registry).increment();
  }

  /** Time from the run's creation to its first driver pod's creation. */
  public void launchLatency(Duration d) {
    Timer.builder("overwatch.launch.latency").description("OverwatchRun created -> first driver pod created")
        .publishPercentiles(0.5, 0.99).register(registry).record(d);
  }

  public void layerDuration(String layer, String outcome, Duration d) {
    Timer.builder("overwatch.layer.duration").tag("layer", layer).tag("outcome", outcome)
        .description("Duration of a layer attempt").register(registry).record(d);
  }

  public void retry(String layer) {
    Counter.builder("overwatch.layer.retries").tag("layer", layer).description("Layer attempts after a failure").register(registry).increment();
  }

  public void rowsWritten(String layer, long rows) {
    Counter.builder("overwatch.rows.written").tag("layer", layer).description("Rows written, from driver summaries").register(registry).increment(rows);
  }
}
