package dev.outrigger.core.route.listener;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * The listeners LDS sent, immutable, and Envoy's two choices over them: which listener a captured
 * connection is handed to (use_original_dst: the listener on its original destination's IP and
 * port, else on the wildcard address and port) and which filter chain of that listener takes it.
 */
public final class ListenerTable {
  private final Map<InetSocketAddress, ListenerSpec> byAddress = new HashMap<>();
  private final List<ListenerSpec> listeners;

  public ListenerTable(Collection<ListenerSpec> listeners) {
    this.listeners = List.copyOf(listeners);
    for (ListenerSpec l : this.listeners) {
      if (byAddress.putIfAbsent(l.address(), l) != null) {
        throw new IllegalArgumentException("listeners " + byAddress.get(l.address()).name() + " and " + l.name()
            + " share the address " + l.address());
      }
    }
  }

  public List<ListenerSpec> listeners() {
    return listeners;
  }

  /** The listener a connection to {@code originalDestination} is handed to, if any. */
  public Optional<ListenerSpec> forOriginalDestination(InetSocketAddress originalDestination) {
    ListenerSpec exact = byAddress.get(originalDestination);
    if (exact != null) {
      return Optional.of(exact);
    }
    InetAddress any = anyAddress(originalDestination.getAddress() instanceof Inet6Address);
    return Optional.ofNullable(byAddress.get(new InetSocketAddress(any, originalDestination.getPort())));
  }

  /** The listener bound to this port on the wildcard address (istiod's 15001 and 15006). */
  public Optional<ListenerSpec> bound(int port) {
    return Optional.ofNullable(byAddress.get(new InetSocketAddress(anyAddress(false), port)));
  }

  /**
   * Envoy's filter-chain choice (filter_chain_manager_impl.cc): narrowed by destination port,
   * then the longest destination prefix, then server name (exact, then the longest wildcard
   * suffix), then transport protocol, then application protocols, then the longest source prefix.
   * At each step a chain that names the criterion and matches beats one that leaves it open; a
   * chain that names it and does not match is out.
   */
  public static Optional<FilterChain> chooseChain(ListenerSpec listener, ConnectionFacts c) {
    List<FilterChain> candidates = listener.chains();
    candidates = narrow(candidates, ch -> ch.match().destinationPort() == 0 ? 0
        : ch.match().destinationPort() == c.destination().port() ? 1 : -1);
    candidates = narrow(candidates, ch -> prefixScore(ch.match().destinationPrefixes(), c.destination().ip()));
    candidates = narrow(candidates, ch -> ch.match().serverNameScore(c.serverName()));
    candidates = narrow(candidates, ch -> ch.match().transportProtocol().isEmpty() ? 0
        : ch.match().transportProtocol().equals(c.transportProtocol()) ? 1 : -1);
    candidates = narrow(candidates, ch -> ch.match().applicationProtocols().isEmpty() ? 0
        : ch.match().applicationProtocols().stream().anyMatch(c.applicationProtocols()::contains) ? 1 : -1);
    candidates = narrow(candidates, ch -> prefixScore(ch.match().sourcePrefixes(), c.source().ip()));
    return candidates.isEmpty() ? listener.defaultChain() : Optional.of(candidates.get(0));
  }

  /** The candidates with the best score; none if every score is -1 (no match). */
  private static List<FilterChain> narrow(List<FilterChain> candidates, ToIntFunction<FilterChain> score) {
    int best = -1;
    List<FilterChain> kept = new ArrayList<>();
    for (FilterChain ch : candidates) {
      int s = score.applyAsInt(ch);
      if (s > best) {
        best = s;
        kept.clear();
      }
      if (s == best && s >= 0) {
        kept.add(ch);
      }
    }
    return kept;
  }

  /** 0 when no prefixes are named, the longest matching prefix length + 1, or -1. */
  private static int prefixScore(List<IpPrefix> prefixes, InetAddress address) {
    if (prefixes.isEmpty()) {
      return 0;
    }
    int best = -1;
    for (IpPrefix p : prefixes) {
      if (p.contains(address)) {
        best = Math.max(best, p.length() + 1);
      }
    }
    return best;
  }

  private static InetAddress anyAddress(boolean ipv6) {
    try {
      return InetAddress.getByAddress(new byte[ipv6 ? 16 : 4]);
    } catch (java.net.UnknownHostException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
