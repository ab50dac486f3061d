package dev.outrigger.iptables.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CleanupTest {
  @Test
  void removesJumpsThenFlushesThenDeletesOurChainsOnly() {
    String dump = SaveText.of("nat", List.of("-P PREROUTING ACCEPT", "-P OUTPUT ACCEPT", "-N ISTIO_INBOUND",
        "-N ISTIO_OUTPUT", "-N KUBE-SEP", "-A PREROUTING -p tcp -j ISTIO_INBOUND", "-A OUTPUT -d 10.0.0.1/32 -j ACCEPT",
        "-A OUTPUT -p tcp -j ISTIO_OUTPUT", "-A KUBE-SEP -j ISTIO_OUTPUT", "-A ISTIO_OUTPUT -j ISTIO_INBOUND"))
        + SaveText.of("mangle", List.of("-P PREROUTING ACCEPT", "-N ISTIO_DIVERT", "-A PREROUTING -p tcp -j ISTIO_DIVERT"))
        + SaveText.of("filter", List.of("-P INPUT ACCEPT", "-A INPUT -j ACCEPT"));
    String expected = """
        *nat
        -D PREROUTING -p tcp -j ISTIO_INBOUND
        -D OUTPUT -p tcp -j ISTIO_OUTPUT
        -D KUBE-SEP -j ISTIO_OUTPUT
        -F ISTIO_INBOUND
        -F ISTIO_OUTPUT
        -X ISTIO_INBOUND
        -X ISTIO_OUTPUT
        COMMIT
        *mangle
        -D PREROUTING -p tcp -j ISTIO_DIVERT
        -F ISTIO_DIVERT
        -X ISTIO_DIVERT
        COMMIT
        """;
    assertEquals(expected, Cleanup.of(SaveParser.parse(dump)).render(false));
  }

  @Test
  void nothingOfOursMeansNothingToRun() {
    String dump = SaveText.of("nat", List.of("-P OUTPUT ACCEPT", "-A OUTPUT -d 10.0.0.1/32 -j ACCEPT"));
    assertTrue(Cleanup.of(SaveParser.parse(dump)).isEmpty());
  }
}
