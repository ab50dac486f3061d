package dev.outrigger.it.xds;

import com.google.protobuf.BoolValue;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.outrigger.xds.istiod.IstiodClusters;
import dev.outrigger.xds.istiod.IstiodEndpoints;
import dev.outrigger.xds.istiod.IstiodFilters;
import dev.outrigger.xds.istiod.IstiodListeners;
import dev.outrigger.xds.istiod.IstiodNames;
import dev.outrigger.xds.istiod.IstiodTls;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.util.ArrayList;
import java.util.List;

/**
 * istiod's mTLS shapes, beside {@link IstioShapes}: the inbound filter chains a PeerAuthentication
 * mode produces and the outbound ISTIO_MUTUAL transport socket of auto mTLS. Read from istio/istio
 * (pilot/pkg/networking/core/filterchain_options.go for which chains a mode has;
 * pilot/pkg/security/authn and pilot/pkg/networking/core/cluster_tls.go for the TLS contexts) and
 * checked against a real sidecar's config dump (xds/src/test/resources/istiod, Istio 1.18): the
 * DownstreamTlsContext of its virtualInbound chains and the UpstreamTlsContext of its clusters
 * are reproduced field for field below.
 */
public final class IstioMtlsShapes {
  /** model.IstioMutualTLSModeLabel / the endpoint metadata key Envoy's transport_socket_matches reads. */
  public static final String TLS_MODE_ISTIO = IstiodEndpoints.TLS_MODE_ISTIO;
  /** xdsfilters.TLSTransportProtocol / RawBufferTransportProtocol. */
  public static final String TLS = IstiodListeners.TLS;
  public static final String RAW_BUFFER = IstiodListeners.RAW_BUFFER;
  /** filterchain_options.go mtlsHTTPALPNs. */
  public static final List<String> MTLS_HTTP_ALPNS = List.of("istio-http/1.0", "istio-http/1.1", "istio-h2");
  /** allIstioMtlsALPNs: what a PERMISSIVE port's TLS chain matches. */
  public static final List<String> ALL_ISTIO_MTLS_ALPNS =
      List.of("istio", "istio-peer-exchange", "istio-http/1.0", "istio-http/1.1", "istio-h2");
  /** The ALPN an outbound ISTIO_MUTUAL cluster offers (util.ALPNInMeshWithMxc). */
  public static final List<String> ALPN_IN_MESH_WITH_MXC = IstiodTls.ALPN_IN_MESH_WITH_MXC;
  /** The SDS names of the workload certificate and the mesh root (pilot/pkg/model/authentication.go). */
  public static final String SDS_DEFAULT = IstiodTls.SDS_DEFAULT;
  public static final String SDS_ROOTCA = IstiodTls.SDS_ROOTCA;
  /** security.go SupportedCiphers as the dump shows them on the inbound contexts. */
  private static final List<String> INBOUND_CIPHERS = List.of(
      "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-AES128-GCM-SHA256",
      "ECDHE-RSA-AES128-GCM-SHA256", "AES256-GCM-SHA384", "AES128-GCM-SHA256");

  /** PeerAuthentication mtls.mode as istiod applies it to an inbound port. */
  public enum PeerAuthentication { STRICT, PERMISSIVE, DISABLE }

  /** What a Service port declares (networking.ListenerProtocol): an HTTP connection manager or tcp_proxy. */
  public enum PortProtocol { HTTP, TCP }

  private IstioMtlsShapes() {}

  // ---- outbound: auto mTLS ------------------------------------------------------------------

  /**
   * "outbound_.8080_._.httpbin.default.svc.cluster.local" ({@link IstiodNames#outboundSni}; compare
   * "outbound_.9080_.v1_.productpage..." in the dump).
   */
  public static String outboundSni(int port, String subset, String service) {
    return IstiodNames.outboundSni(port, subset, IstioShapes.host(service));
  }

  /**
   * An outbound EDS cluster with auto mTLS ({@link IstiodClusters#withAutoMtls}): the
   * UpstreamTlsContext with the subset's SNI and the service accounts' SPIFFE ids.
   */
  public static Cluster istioMutualCluster(int port, String subset, String service, List<String> serviceAccountIds) {
    String name = IstioShapes.outboundCluster(port, subset, service);
    return IstiodClusters.withAutoMtls(IstioShapes.edsCluster(name, service),
        upstreamTlsContext(outboundSni(port, subset, service), serviceAccountIds));
  }

  /**
   * The same service with a DestinationRule {@code trafficPolicy.tls.mode: DISABLE}: istiod sends
   * the plain EDS cluster, without transport_socket_matches, so the sidecar speaks plaintext even
   * to endpoints labelled tlsMode=istio (seed 003's pitfall when the server is STRICT).
   */
  public static Cluster tlsDisabledCluster(int port, String service) {
    return IstioShapes.edsCluster(IstioShapes.outboundCluster(port, "", service), service);
  }

  /** cluster_tls.go buildIstioMutualTLS as the dump prints it ({@link IstiodTls#upstreamTlsContext}). */
  public static UpstreamTlsContext upstreamTlsContext(String sni, List<String> serviceAccountIds) {
    return IstiodTls.upstreamTlsContext(sni, serviceAccountIds);
  }

  /**
   * Endpoints of a meshed workload: as {@link IstioShapes#endpoints} plus the metadata istiod adds
   * for a pod labelled security.istio.io/tlsMode=istio (filter_metadata
   * "envoy.transport_socket_match" {tlsMode: istio}), which selects the cluster's tlsMode-istio
   * transport socket.
   */
  public static ClusterLoadAssignment meshedEndpoints(String clusterName, List<IstioShapes.Workload> workloads) {
    return IstioShapes.endpoints(clusterName, workloads, true);
  }

  /**
   * The outbound listener istiod builds for a TCP Service port ("10.96.0.41_9000",
   * listener.go buildSidecarOutboundListener for a non-HTTP port): the VIP and port, bind_to_port
   * false, one chain with tcp_proxy to the service's cluster (compare 10.96.0.10_53 in the dump).
   */
  public static Listener tcpOutboundListener(String vip, int port, String cluster) {
    return Listener.newBuilder()
        .setName(vip + "_" + port)
        .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(vip).setPortValue(port)))
        .setBindToPort(BoolValue.of(false))
        .setTrafficDirection(TrafficDirection.OUTBOUND)
        .addFilterChains(FilterChain.newBuilder()
            .addFilters(IstiodFilters.istioStats("CLIENT"))
            .addFilters(IstiodFilters.tcpProxy(cluster)))
        .build();
  }

  // ---- inbound: PeerAuthentication ----------------------------------------------------------

  /** "inbound|8080||": the cluster an inbound port's chain forwards to (model.BuildInboundSubsetKey). */
  public static String inboundCluster(int port) {
    return IstiodNames.inboundCluster(port);
  }

  /** {@link IstiodClusters#inboundPortCluster}. */
  public static Cluster inboundPortCluster(int port) {
    return IstiodClusters.inboundPortCluster(port);
  }

  /** One inbound Service port of this pod and the PeerAuthentication mode that applies to it. */
  public record InboundPort(int port, PortProtocol protocol, PeerAuthentication mode, String service) {}

  /** {@link IstiodListeners#virtualInbound} with, for each port, the chains its mode has. */
  public static Listener virtualInbound(List<InboundPort> ports) {
    List<FilterChain> chains = new ArrayList<>();
    for (InboundPort port : ports) {
      chains.addAll(inboundChains(port));
    }
    return IstiodListeners.virtualInbound(chains);
  }

  /**
   * The chains of one port, named "0.0.0.0_&lt;port&gt;", in filterchain_options.go's order:
   * <pre>
   * STRICT     HTTP: tls -&gt; TLS + HCM                 TCP: tls -&gt; TLS + tcp_proxy
   * PERMISSIVE HTTP: tls + allIstioMtlsALPNs -&gt; TLS + HCM; raw_buffer -&gt; HCM
   *            TCP:  tls + allIstioMtlsALPNs -&gt; TLS + tcp_proxy; raw_buffer -&gt; tcp_proxy; tls -&gt; tcp_proxy
   * DISABLE    HTTP: raw_buffer -&gt; HCM                TCP: raw_buffer -&gt; tcp_proxy
   * </pre>
   * STRICT has no raw_buffer chain for the port, so a plaintext connection matches nothing and is
   * closed (Envoy: no filter chain match).
   */
  public static List<FilterChain> inboundChains(InboundPort port) {
    List<FilterChain> chains = new ArrayList<>();
    boolean http = port.protocol() == PortProtocol.HTTP;
    switch (port.mode()) {
      case STRICT -> chains.add(chain(port, TLS, List.of(), true));
      case PERMISSIVE -> {
        chains.add(chain(port, TLS, ALL_ISTIO_MTLS_ALPNS, true));
        chains.add(chain(port, RAW_BUFFER, List.of(), false));
        if (!http) {
          chains.add(chain(port, TLS, List.of(), false));
        }
      }
      case DISABLE -> chains.add(chain(port, RAW_BUFFER, List.of(), false));
    }
    return chains;
  }

  private static FilterChain chain(InboundPort port, String transport, List<String> alpn, boolean terminateTls) {
    List<Filter> filters = port.protocol() == PortProtocol.HTTP
        ? List.of(IstiodListeners.inboundHttpConnectionManager(port.port(), IstioShapes.host(port.service())))
        : List.of(IstiodFilters.istioStats("SERVER"), IstiodFilters.tcpProxy(inboundCluster(port.port())));
    FilterChain chain = IstiodListeners.inboundChain(port.port(), transport, alpn, filters);
    return terminateTls ? IstiodListeners.terminatingTls(chain, downstreamTlsContext(port.protocol())) : chain;
  }

  /**
   * authn MTLSSettings.HTTP / .TCP ({@link IstiodTls#downstreamTlsContext}) with Istio's ciphers,
   * ALPN [h2, http/1.1] for HTTP and [istio-peer-exchange, h2, http/1.1] for TCP.
   */
  public static DownstreamTlsContext downstreamTlsContext(PortProtocol protocol) {
    List<String> alpn = protocol == PortProtocol.HTTP ? List.of("h2", "http/1.1")
        : List.of("istio-peer-exchange", "h2", "http/1.1");
    return IstiodTls.downstreamTlsContext(alpn, INBOUND_CIPHERS);
  }

  /**
   * The istio.alpn HTTP filter of an outbound HCM (the dump's 0.0.0.0_9080): per upstream
   * protocol, the ALPN list an mTLS upstream connection offers instead of the cluster's
   * (istio-http/1.0, istio-http/1.1, istio-h2, each with "istio" and the plain protocol).
   * Istio's own type, carried as a TypedStruct as the other Istio filters here are.
   */
  public static HttpFilter istioAlpnFilter() {
    return HttpFilter.newBuilder().setName("istio.alpn").setTypedConfig(IstiodFilters.typedStruct(
        "istio.envoy.config.filter.http.alpn.v2alpha1.FilterConfig",
        Struct.newBuilder().putFields("alpn_override", Value.newBuilder().setListValue(ListValue.newBuilder()
            .addValues(alpnOverride(null, "istio-http/1.0", "istio", "http/1.0"))
            .addValues(alpnOverride("HTTP11", "istio-http/1.1", "istio", "http/1.1"))
            .addValues(alpnOverride("HTTP2", "istio-h2", "istio", "h2"))).build()).build())).build();
  }

  private static Value alpnOverride(String upstreamProtocol, String... alpn) {
    ListValue.Builder list = ListValue.newBuilder();
    for (String p : alpn) {
      list.addValues(text(p));
    }
    Struct.Builder entry = Struct.newBuilder();
    if (upstreamProtocol != null) {
      entry.putFields("upstream_protocol", text(upstreamProtocol));
    }
    entry.putFields("alpn_override", Value.newBuilder().setListValue(list).build());
    return Value.newBuilder().setStructValue(entry).build();
  }

  private static Value text(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }
}
