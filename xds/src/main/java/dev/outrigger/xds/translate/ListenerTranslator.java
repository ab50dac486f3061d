package dev.outrigger.xds.translate;

import dev.outrigger.core.route.listener.DownstreamTlsSpec;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;

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
import dev.outrigger.xds.dump.ApiTypes;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
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
 * owner meant to stop. A filter is known by its name or, as Envoy picks the extension, by its
 * typed_config's type (istiod names some after their purpose: "istio_authn", "connect_authority").
 * What was skipped is listed by {@link #skipped}, for the config dump.
 */
public final class ListenerTranslator {
  static final String TCP_PROXY = "envoy.filters.network.tcp_proxy";
  static final String HTTP_CONNECTION_MANAGER = "envoy.filters.network.http_connection_manager";
  /** Filters whose absence changes no request's fate, only what is observed of it. */
  static final Set<String> OBSERVING_FILTERS = Set.of(
      "istio.stats", "istio.metadata_exchange", "envoy.filters.network.metadata_exchange",
      "envoy.filters.http.grpc_stats", "istio.alpn", "envoy.filters.http.cors", "envoy.filters.http.grpc_web",
      "envoy.filters.network.sni_verifier", "envoy.filters.http.peer_metadata", "istio.peer_metadata");
  /**
   * The same by typed_config type (inside a TypedStruct, the type it names): Istio's stats,
   * metadata exchange (TCP and HTTP peer metadata), ALPN override (mTLS only, not yet used), its
   * authn network filter (records the peer's identity for stats and RBAC, denies nothing), gRPC
   * stats and CORS (answers preflights, blocks nothing; the browser enforces).
   */
  static final Set<String> OBSERVING_TYPES = Set.of(
      "stats.PluginConfig", "envoy.tcp.metadataexchange.config.MetadataExchange", "io.istio.http.peer_metadata.Config",
      "istio.envoy.config.filter.http.alpn.v2alpha1.FilterConfig", "io.istio.network.authn.Config",
      "envoy.extensions.filters.http.grpc_stats.v3.FilterConfig", "envoy.extensions.filters.http.cors.v3.Cors");
  /**
   * Listener filters whose work this proxy does by itself: SO_ORIGINAL_DST on every captured
   * connection, and its protocol sniffer (TLS ClientHello, HTTP/1, h2c) before every chain choice.
   */
  static final Set<String> NATIVE_LISTENER_FILTERS = Set.of(
      "envoy.filters.listener.original_dst", "envoy.filters.listener.tls_inspector",
      "envoy.filters.listener.http_inspector");
  static final Set<String> NATIVE_LISTENER_FILTER_TYPES = Set.of(
      "envoy.extensions.filters.listener.original_dst.v3.OriginalDst",
      "envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector",
      "envoy.extensions.filters.listener.http_inspector.v3.HttpInspector");
  private static final Set<String> TYPED_STRUCTS = Set.of("udpa.type.v1.TypedStruct", "xds.type.v3.TypedStruct");
  /** Handled elsewhere: faults per route, the router is the table itself. */
  static final Set<String> BUILT_IN_HTTP_FILTERS = Set.of("envoy.filters.http.fault", "envoy.filters.http.router");
  /** Envoy's stream idle timeout when the HTTP connection manager names none. */
  static final Duration ENVOY_STREAM_IDLE_TIMEOUT = Duration.ofMinutes(5);

  private ListenerTranslator() {}

  /**
   * An internal listener (istiod's main_internal, connect_originate for HBONE): reachable only from
   * inside Envoy, through a cluster with an internal_upstream transport, never from a socket.
   * Skipped (not rejected): nothing can reach it here, so skipping it lets nothing through.
   */
  public static boolean isInternal(Listener l) {
    return l.hasInternalListener() || l.getAddress().hasEnvoyInternalAddress();
  }

  public static ListenerSpec listener(Listener l) throws RejectedUpdate {
    String where = "listener " + l.getName();
    SocketAddress sa = l.getAddress().getSocketAddress();
    if (isInternal(l)) {
      throw new RejectedUpdate(where + ": an internal listener has no socket (skip it, see isInternal)");
    }
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
      String type = effectiveType(f.getTypedConfig());
      if (f.getName().equals(TCP_PROXY) || type.equals(TcpProxy.getDescriptor().getFullName())) {
        action = tcpProxy(where, unpack(where, f, TcpProxy.class));
      } else if (f.getName().equals(HTTP_CONNECTION_MANAGER)
          || type.equals(HttpConnectionManager.getDescriptor().getFullName())) {
        action = http(where, unpack(where, f, HttpConnectionManager.class));
      } else if (!observing(f.getName(), type)) {
        throw new RejectedUpdate(where + ": network filter " + f.getName() + " is not supported");
      }
    }
    if (action == null) {
      throw new RejectedUpdate(where + ": no tcp_proxy or http_connection_manager");
    }
    return new FilterChain(fc.getName(), match, action, downstreamTls(where, fc));
  }

  /** istiod's mTLS inbound chains: an envoy.transport_sockets.tls DownstreamTlsContext. */
  private static Optional<DownstreamTlsSpec> downstreamTls(String where,
      io.envoyproxy.envoy.config.listener.v3.FilterChain fc) throws RejectedUpdate {
    if (!fc.hasTransportSocket() || !fc.getTransportSocket().hasTypedConfig()
        || !fc.getTransportSocket().getTypedConfig().is(DownstreamTlsContext.class)) {
      return Optional.empty();
    }
    DownstreamTlsContext tls;
    try {
      tls = fc.getTransportSocket().getTypedConfig().unpack(DownstreamTlsContext.class);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new RejectedUpdate(where + ": transport socket: " + e.getMessage());
    }
    var common = tls.getCommonTlsContext();
    String certificate = common.getTlsCertificateSdsSecretConfigsCount() == 0
        ? "default" : common.getTlsCertificateSdsSecretConfigs(0).getName();
    String validation = common.hasCombinedValidationContext()
        ? common.getCombinedValidationContext().getValidationContextSdsSecretConfig().getName()
        : common.getValidationContextSdsSecretConfig().getName();
    return Optional.of(new DownstreamTlsSpec(tls.hasRequireClientCertificate() && tls.getRequireClientCertificate().getValue(),
        common.getAlpnProtocolsList().stream().filter(p -> !UpstreamTlsTranslator.PEER_EXCHANGE.equals(p)).toList(),
        certificate, validation.isEmpty() ? "ROOTCA" : validation));
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
      if (!observing(f.getName(), effectiveType(f.getTypedConfig())) && !builtIn(f)) {
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

  private static boolean observing(String name, String type) {
    return OBSERVING_FILTERS.contains(name) || OBSERVING_TYPES.contains(type);
  }

  private static boolean builtIn(HttpFilter f) {
    String type = effectiveType(f.getTypedConfig());
    return BUILT_IN_HTTP_FILTERS.contains(f.getName()) || type.equals(HTTPFault.getDescriptor().getFullName())
        || type.equals(Router.getDescriptor().getFullName());
  }

  /** The type an extension's config names: its own, or inside a TypedStruct the one it carries. */
  static String effectiveType(Any config) {
    String type = ApiTypes.typeName(config.getTypeUrl());
    if (TYPED_STRUCTS.contains(type)) {
      try {
        return ApiTypes.typeName(type.startsWith("udpa.")
            ? config.unpack(com.github.udpa.udpa.type.v1.TypedStruct.class).getTypeUrl()
            : config.unpack(com.github.xds.type.v3.TypedStruct.class).getTypeUrl());
      } catch (InvalidProtocolBufferException e) {
        return type;
      }
    }
    return type;
  }

  /**
   * What {@link #listener} lets pass without doing it, of a listener it accepts (or skips, for an
   * internal one): for the config dump.
   */
  public static List<SkippedFilter> skipped(Listener l) {
    List<SkippedFilter> out = new ArrayList<>();
    if (isInternal(l)) {
      out.add(new SkippedFilter("", "listener", l.getName(), "", "an internal listener: no socket reaches it here"));
      return out;
    }
    for (var lf : l.getListenerFiltersList()) {
      String type = effectiveType(lf.getTypedConfig());
      boolean nativeHere = NATIVE_LISTENER_FILTERS.contains(lf.getName()) || NATIVE_LISTENER_FILTER_TYPES.contains(type);
      out.add(new SkippedFilter("", "listener_filter", lf.getName(), type, nativeHere
          ? "done by the proxy itself (original destination, protocol sniffing)"
          : "not supported; connections are matched without it"));
    }
    List<io.envoyproxy.envoy.config.listener.v3.FilterChain> chains = new ArrayList<>(l.getFilterChainsList());
    if (l.hasDefaultFilterChain()) {
      chains.add(l.getDefaultFilterChain());
    }
    for (var fc : chains) {
      if (fc.hasTransportSocket()) {
        out.add(new SkippedFilter(fc.getName(), "transport_socket", fc.getTransportSocket().getName(),
            effectiveType(fc.getTransportSocket().getTypedConfig()), "TLS is not terminated yet: relayed as bytes"));
      }
      for (Filter f : fc.getFiltersList()) {
        String type = effectiveType(f.getTypedConfig());
        if (observing(f.getName(), type)) {
          out.add(new SkippedFilter(fc.getName(), "network_filter", f.getName(), type, "observes only"));
        }
        if (f.getName().equals(HTTP_CONNECTION_MANAGER) || type.equals(HttpConnectionManager.getDescriptor().getFullName())) {
          try {
            for (HttpFilter h : f.getTypedConfig().unpack(HttpConnectionManager.class).getHttpFiltersList()) {
              String httpType = effectiveType(h.getTypedConfig());
              if (observing(h.getName(), httpType) && !builtIn(h)) {
                out.add(new SkippedFilter(fc.getName(), "http_filter", h.getName(), httpType, "observes only"));
              }
            }
          } catch (InvalidProtocolBufferException e) {
            // listener() rejects it; nothing was skipped
          }
        }
      }
    }
    return out;
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
