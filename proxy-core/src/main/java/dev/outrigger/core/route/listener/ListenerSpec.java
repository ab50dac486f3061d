package dev.outrigger.core.route.listener;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * A listener as LDS describes it: istiod's virtual listeners (15001 with use_original_dst, 15006)
 * and the per-destination listeners they hand connections to (bind_to_port false).
 *
 * @param defaultChain taken when no chain matches (Envoy's default_filter_chain)
 */
public record ListenerSpec(String name, InetSocketAddress address, boolean useOriginalDst, boolean bindToPort,
    List<FilterChain> chains, Optional<FilterChain> defaultChain) {
  public ListenerSpec {
    chains = List.copyOf(chains);
  }
}
