package dev.outrigger.core.route.mesh;

import dev.outrigger.core.route.listener.FilterChain;
import dev.outrigger.core.route.listener.ListenerSpec;
import dev.outrigger.core.route.listener.ListenerTable;
import dev.outrigger.core.route.listener.NetworkAction;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.stream.Stream;

/** Which of istiod's listeners takes a captured connection, in each direction. */
public final class MeshListeners {
  /** istiod's name for the listener on 15006. */
  static final String VIRTUAL_INBOUND = "virtualInbound";
  /** istiod's name for the listener on 15001. */
  static final String VIRTUAL_OUTBOUND = "virtualOutbound";
  static final int ISTIO_INBOUND_PORT = 15006;

  private MeshListeners() {}

  /**
   * Envoy's use_original_dst: the virtual listener (15001) hands the connection to the listener on
   * its original destination's IP and port, else on 0.0.0.0 and that port; only listeners that do
   * not bind a port of their own take hand-overs. With none, the virtual listener keeps it
   * (istiod gives it the PassthroughCluster or BlackHoleCluster chain).
   */
  public static Optional<ListenerSpec> outbound(ListenerTable table, InetSocketAddress originalDestination) {
    Optional<ListenerSpec> target = table.forOriginalDestination(originalDestination).filter(l -> !l.bindToPort());
    // istiod marks both virtual listeners use_original_dst: the outbound one is told by its name.
    return target.or(() -> table.listeners().stream().filter(l -> l.name().equals(VIRTUAL_OUTBOUND)).findFirst())
        .or(() -> table.listeners().stream()
            .filter(l -> l.useOriginalDst() && !l.name().equals(VIRTUAL_INBOUND) && l.address().getPort() != ISTIO_INBOUND_PORT)
            .findFirst());
  }

  /** istiod's inbound listener (virtualInbound on 15006), whose chains are chosen by destination port. */
  public static Optional<ListenerSpec> inbound(ListenerTable table) {
    return table.listeners().stream().filter(l -> l.name().equals(VIRTUAL_INBOUND)).findFirst()
        .or(() -> table.bound(ISTIO_INBOUND_PORT));
  }

  /**
   * Whether choosing among the listener's chains, or serving them, needs the connection's first
   * bytes: some chain speaks HTTP or matches on a transport or application protocol or a server
   * name (the SNI of a TLS ClientHello). A listener
   * of plain tcp_proxy chains is relayed at once, so server-first protocols are not held up.
   */
  public static boolean needsDetection(ListenerSpec listener) {
    return Stream.concat(listener.chains().stream(), listener.defaultChain().stream()).anyMatch(MeshListeners::sniffs);
  }

  private static boolean sniffs(FilterChain chain) {
    return chain.action() instanceof NetworkAction.Http
        || !chain.match().transportProtocol().isEmpty()
        || !chain.match().applicationProtocols().isEmpty()
        || !chain.match().serverNames().isEmpty();
  }
}
