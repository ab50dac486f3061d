package dev.outrigger.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.outrigger.core.route.listener.FilterChain;
import dev.outrigger.core.route.listener.FilterChainMatch;
import dev.outrigger.core.route.listener.IpPrefix;
import dev.outrigger.core.route.listener.ListenerSpec;
import dev.outrigger.core.route.listener.NetworkAction;
import dev.outrigger.core.route.table.RouteTable;
import dev.outrigger.core.route.table.WeightedCluster;
import dev.outrigger.xds.RejectedUpdate;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * LDS listeners, as istiod sends them to a sidecar, into listener specs. Network and HTTP filters
 * that only observe (Istio's stats and metadata exchange, gRPC stats, CORS) are skipped, as they
 * change nothing a request gets; a filter that could deny, rewrite or redirect traffic (RBAC, ext
 * authz, Lua, Wasm plugins) rejects the listener, since skipping it would let through what its
 * owner meant to stop.
 */
public final class ListenerTranslator {
  static final String TCP_PROXY = "envoy.filters.network.tcp_proxy";
  static final String HTTP_CONNECTION_MANAGER = "envoy.filters.network.http_connection_manager";
  /** Filters whose absence changes no request's fate, only what is observed of it. */
  static final Set<String> OBSERVING_FILTERS = Set.of(
      "istio.stats", "istio.metadata_exchange", "envoy.filters.network.metadata_exchange",
      "envoy.filters.http.grpc_stats", "istio.alpn", "envoy.filters.http.cors", "envoy.filters.http.grpc_web",
      "envoy.filters.network.sni_verifier", "envoy.filters.http.peer_metadata", "istio.peer_metadata");
  /** Handled elsewhere: faults per route, the router is the table itself. */
  static final Set<String> BUILT_IN_HTTP_FILTERS = Set.of("envoy.filters.http.fault", "envoy.filters.http.router");
  /** Envoy's stream idle timeout when the HTTP connection manager names none. */
  static final Duration ENVOY_STREAM_IDLE_TIMEOUT = Duration.ofMinutes(5);

  private ListenerTranslator() {}

  public static ListenerSpec listener(Listener l) throws RejectedUpdate {
    String where = "listener " + l.getName();
    SocketAddress sa = l.getAddress().getSocketAddress();
    if (!l.getAddress().hasSocketAddress()) {
      throw new RejectedUpdate(where + ": only socket addresses are supported");
    }
    InetSocketAddress address = Protos.socketAddress(sa.getAddress(), sa.getPortValue());
    if (address.isUnresolved()) {
      throw new RejectedUpdate(where + ": address '" + sa.getAddress() + "' is not an IP");
    }
    List<FilterChain> chains = new ArrayList<>();
    for (io.envoyproxy.envoy.config.listener.v3.FilterChain fc : l.getFilterChainsList()) {
      chains.add(chain(where, fc));
    }
    Optional<FilterChain> fallback = l.hasDefaultFilterChain()
        ? Optional.of(chain(where, l.getDefaultFilterChain())) : Optional.empty();
    boolean useOriginalDst = l.hasUseOriginalDst() && l.getUseOriginalDst().getValue();
    boolean bindToPort = !l.hasBindToPort() || l.getBindToPort().getValue();
    return new ListenerSpec(l.getName(), address, useOriginalDst, bindToPort, chains, fallback);
  }

  private static FilterChain chain(String listener, io.envoyproxy.envoy.config.listener.v3.FilterChain fc)
      throws RejectedUpdate {
    String where = listener + ", filter chain '" + fc.getName() + "'";
    var m = fc.getFilterChainMatch();
    FilterChainMatch match = new FilterChainMatch(m.hasDestinationPort() ? m.getDestinationPort().getValue() : 0,
        prefixes(where, m.getPrefixRangesList()), m.getTransportProtocol(), new HashSet<>(m.getApplicationProtocolsList()),
        prefixes(where, m.getSourcePrefixRangesList()), m.getServerNamesList());
    NetworkAction action = null;
    for (Filter f : fc.getFiltersList()) {
      if (action != null) {
        throw new RejectedUpdate(where + ": filter " + f.getName() + " after the terminal filter");
      }
      action = switch (f.getName()) {
        case TCP_PROXY -> tcpProxy(where, unpack(where, f, TcpProxy.class));
        case HTTP_CONNECTION_MANAGER -> http(where, unpack(where, f, HttpConnectionManager.class));
        default -> {
          if (!OBSERVING_FILTERS.contains(f.getName())) {
            throw new RejectedUpdate(where + ": network filter " + f.getName() + " is not supported");
          }
          yield null;
        }
      };
    }
    if (action == null) {
      throw new RejectedUpdate(where + ": no tcp_proxy or http_connection_manager");
    }
    return new FilterChain(fc.getName(), match, action);
  }

  private static NetworkAction tcpProxy(String where, TcpProxy t) throws RejectedUpdate {
    List<WeightedCluster> clusters = new ArrayList<>();
    if (t.hasWeightedClusters()) {
      for (var c : t.getWeightedClusters().getClustersList()) {
        clusters.add(new WeightedCluster(c.getName(), c.getWeight()));
      }
    } else if (t.hasCluster()) {
      clusters.add(new WeightedCluster(t.getCluster(), 1));
    } else {
      throw new RejectedUpdate(where + ": tcp_proxy without a cluster");
    }
    // Envoy's tcp_proxy idle timeout defaults to one hour.
    Duration idle = t.hasIdleTimeout() ? Protos.duration(t.getIdleTimeout()) : Duration.ofHours(1);
    return new NetworkAction.TcpProxy(t.getStatPrefix(), clusters, idle);
  }

  private static NetworkAction http(String where, HttpConnectionManager h) throws RejectedUpdate {
    for (HttpFilter f : h.getHttpFiltersList()) {
      if (!OBSERVING_FILTERS.contains(f.getName()) && !BUILT_IN_HTTP_FILTERS.contains(f.getName())) {
        throw new RejectedUpdate(where + ": HTTP filter " + f.getName() + " is not supported");
      }
    }
    Duration streamIdle = h.hasStreamIdleTimeout() ? Protos.duration(h.getStreamIdleTimeout()) : ENVOY_STREAM_IDLE_TIMEOUT;
    if (h.hasRds()) {
      return new NetworkAction.Http(h.getStatPrefix(), h.getRds().getRouteConfigName(), Optional.empty(), streamIdle);
    }
    if (h.hasRouteConfig()) {
      RouteTable inline = RouteTranslator.translate(h.getRouteConfig());
      return new NetworkAction.Http(h.getStatPrefix(), "", Optional.of(inline), streamIdle);
    }
    throw new RejectedUpdate(where + ": http_connection_manager without rds or route_config");
  }

  private static <T extends com.google.protobuf.Message> T unpack(String where, Filter f, Class<T> type)
      throws RejectedUpdate {
    Any config = f.getTypedConfig();
    try {
      return config.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new RejectedUpdate(where + ": " + f.getName() + " config is not a " + type.getSimpleName() + ": " + e.getMessage());
    }
  }

  private static List<IpPrefix> prefixes(String where, List<CidrRange> ranges) throws RejectedUpdate {
    List<IpPrefix> out = new ArrayList<>();
    for (CidrRange r : ranges) {
      InetSocketAddress base = Protos.socketAddress(r.getAddressPrefix(), 0);
      if (base.isUnresolved()) {
        throw new RejectedUpdate(where + ": prefix '" + r.getAddressPrefix() + "' is not an IP");
      }
      int bits = base.getAddress().getAddress().length * 8;
      try {
        out.add(new IpPrefix(base.getAddress(), r.hasPrefixLen() ? r.getPrefixLen().getValue() : bits));
      } catch (IllegalArgumentException e) {
        throw new RejectedUpdate(where + ": " + e.getMessage());
      }
    }
    return out;
  }
}
