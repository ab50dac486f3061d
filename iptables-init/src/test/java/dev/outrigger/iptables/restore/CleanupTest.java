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

  /** istio-iptables 1.12 to 1.22 writes its UDP DNS capture into nat OUTPUT and raw OUTPUT/PREROUTING themselves. */
  @Test
  void removesTheDnsCaptureRulesOfBuiltinChainsAndNothingElseThere() {
    String dump = SaveText.of("nat", List.of("-P OUTPUT ACCEPT", "-N ISTIO_OUTPUT", "-A OUTPUT -p tcp -j ISTIO_OUTPUT",
        "-A OUTPUT -p udp -m udp --dport 53 -m owner --uid-owner 1337 -j RETURN",
        "-A OUTPUT -d 10.96.0.10/32 -p udp -m udp --dport 53 -j REDIRECT --to-ports 15053",
        "-A OUTPUT -p udp -m udp --dport 53 -j ACCEPT"))
        + SaveText.of("raw", List.of("-P PREROUTING ACCEPT", "-P OUTPUT ACCEPT",
        "-A OUTPUT -p udp -m udp --dport 53 -m owner --uid-owner 1337 -j CT --zone 1",
        "-A OUTPUT -d 10.96.0.10/32 -p udp -m udp --dport 53 -j CT --zone 2",
        "-A PREROUTING -s 10.96.0.10/32 -p udp -m udp --sport 53 -j CT --zone 1",
        "-A PREROUTING -p udp -m udp --dport 5353 -j CT --zone 3"));
    String expected = """
        *nat
        -D OUTPUT -p tcp -j ISTIO_OUTPUT
        -D OUTPUT -p udp -m udp --dport 53 -m owner --uid-owner 1337 -j RETURN
        -D OUTPUT -d 10.96.0.10/32 -p udp -m udp --dport 53 -j REDIRECT --to-ports 15053
        -F ISTIO_OUTPUT
        -X ISTIO_OUTPUT
        COMMIT
        *raw
        -D OUTPUT -p udp -m udp --dport 53 -m owner --uid-owner 1337 -j CT --zone 1
        -D OUTPUT -d 10.96.0.10/32 -p udp -m udp --dport 53 -j CT --zone 2
        -D PREROUTING -s 10.96.0.10/32 -p udp -m udp --sport 53 -j CT --zone 1
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
