package dev.outrigger.core.route.listener;

import dev.outrigger.core.net.OriginalDestination;
import dev.outrigger.core.net.ClientAddress;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.core.route.table.WeightedCluster;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Filter chains chosen by SNI in Envoy's order (filter_chain_manager_impl.cc). */
class ServerNameMatchTest {
  private static final InetSocketAddress DST = new InetSocketAddress("10.96.0.50", 443);
  private static final InetSocketAddress SRC = new InetSocketAddress("10.244.0.5", 40000);

  private static FilterChain chain(String name, FilterChainMatch match) {
    return new FilterChain(name, match, new NetworkAction.TcpProxy(name, List.of(new WeightedCluster(name, 1)),
        Duration.ofHours(1)));
  }

  private static FilterChainMatch names(String... serverNames) {
    return new FilterChainMatch(0, List.of(), "", Set.of(), List.of(), List.of(serverNames));
  }

  private static final ListenerSpec LISTENER = new ListenerSpec("0.0.0.0_443", new InetSocketAddress("0.0.0.0", 443),
      false, false, List.of(
          chain("exact", names("API.example.com")),
          chain("wide", names("*.example.com")),
          chain("narrow", names("*.b.example.com", "other.org")),
          chain("tls-any-name", new FilterChainMatch(0, List.of(), "tls", Set.of(), List.of())),
          chain("plain", FilterChainMatch.ANY)),
      Optional.empty());

  private static String chosen(String transport, String serverName) {
    return ListenerTable.chooseChain(LISTENER, new ConnectionFacts(new OriginalDestination(DST), new ClientAddress(SRC), transport, Set.of(), serverName))
        .map(FilterChain::name).orElse("none");
  }

  @Test
  void exactBeforeWildcardsLongestSuffixFirstThenTheChainsThatNameNoServer() {
    assertEquals("exact", chosen("tls", "api.example.com"), "exact; configured names are compared in lower case");
    assertEquals("narrow", chosen("tls", "a.b.example.com"), "the longer wildcard suffix");
    assertEquals("wide", chosen("tls", "x.y.example.com"), "a wildcard covers more than one label, as in Envoy");
    assertEquals("narrow", chosen("tls", "other.org"));
    assertEquals("tls-any-name", chosen("tls", "example.com"), "*.example.com needs a label before the suffix");
    assertEquals("tls-any-name", chosen("tls", ""), "no SNI: only chains without server names");
    assertEquals("plain", chosen("raw_buffer", ""));
  }

  @Test
  void serverNamesComeBeforeTransportProtocol() {
    // A chain naming the server wins over one naming the transport, as Envoy narrows by SNI first.
    assertEquals("wide", chosen("raw_buffer", "www.example.com"));
  }

  @Test
  void theDestinationStillComesFirst() {
    ListenerSpec l = new ListenerSpec("l", new InetSocketAddress("0.0.0.0", 443), false, false, List.of(
        chain("by-name", names("api.example.com")),
        chain("by-port", new FilterChainMatch(443, List.of(), "", Set.of(), List.of()))), Optional.empty());
    assertEquals("by-port", ListenerTable.chooseChain(l, new ConnectionFacts(new OriginalDestination(DST), new ClientAddress(SRC), "tls", Set.of(), "api.example.com"))
        .orElseThrow().name());
  }

  @Test
  void factsWithoutANameKeepTheirOldConstructor() {
    assertEquals("", new ConnectionFacts(new OriginalDestination(DST), new ClientAddress(SRC), "raw_buffer", Set.of()).serverName());
  }

  @Test
  void aListenerThatMatchesOnServerNamesWaitsForTheClientHello() {
    ListenerSpec sniOnly = new ListenerSpec("0.0.0.0_443", new InetSocketAddress("0.0.0.0", 443), false, false,
        List.of(chain("exact", names("api.example.com"))), Optional.of(chain("passthrough", FilterChainMatch.ANY)));
    assertEquals(true, dev.outrigger.core.route.mesh.MeshListeners.needsDetection(sniOnly));
  }
}
