package dev.outrigger.it.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusSamplesTest {

  @Test
  void sumsTheSamplesWhoseLabelsIncludeTheGivenOnes() {
    PrometheusSamples samples = PrometheusSamples.parse("""
        # HELP istio_requests_total Requests handled by the proxy
        # TYPE istio_requests_total counter
        istio_requests_total{reporter="source",response_code="200",destination_service="10.99.0.11:8080"} 7.0
        istio_requests_total{reporter="source",response_code="503",destination_service="10.99.0.11:8080"} 2.0
        istio_requests_total{reporter="destination",response_code="200",destination_service="a\\"b\\\\c"} 3
        process_start_time_seconds 1.7E9
        """);

    assertEquals(7, samples.sum("istio_requests_total", Map.of("reporter", "source", "response_code", "200")));
    assertEquals(9, samples.sum("istio_requests_total", Map.of("reporter", "source")));
    assertEquals(3, samples.sum("istio_requests_total", Map.of("destination_service", "a\"b\\c")));
    assertEquals(1.7e9, samples.sum("process_start_time_seconds", Map.of()));
    assertEquals(0, samples.sum("istio_requests_total", Map.of("reporter", "nobody")));
  }
}
