package dev.outrigger.agent;

import dev.outrigger.core.overload.BufferBudget;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The buffer budget on the Prometheus port, read when scraped. */
final class OverloadGauges {
  private OverloadGauges() {}

  static void register(PrometheusRegistry registry, BufferBudget budget) {
    GaugeWithCallback.builder()
        .name("outrigger_overload_state")
        .help("Buffer budget: 0 normal, 1 saturated (slow peers' feeders paused), 2 exhausted (largest reset)")
        .callback(cb -> cb.call(budget.state().ordinal()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("outrigger_overload_buffer_held_bytes")
        .help("Bytes read from one connection and not yet written to the other, over all connections")
        .callback(cb -> cb.call(Math.max(0, budget.held())))
        .register(registry);
  }
}
