package dev.outrigger.it.xds;

import static dev.outrigger.it.xds.IstioShapes.defaultRetryPolicy;
import static dev.outrigger.it.xds.IstioShapes.noTimeout;
import static dev.outrigger.it.xds.IstioShapes.outboundCluster;
import static dev.outrigger.it.xds.IstioShapes.prefix;
import static dev.outrigger.it.xds.IstioShapes.route;
import static dev.outrigger.it.xds.IstioShapes.serviceVirtualHost;

import dev.outrigger.it.mtls.MeshCa;
import dev.outrigger.it.xds.IstioMtlsShapes.InboundPort;
import dev.outrigger.it.xds.IstioMtlsShapes.PeerAuthentication;
import dev.outrigger.it.xds.IstioMtlsShapes.PortProtocol;
import dev.outrigger.it.xds.IstioShapes.OutboundPolicy;
import dev.outrigger.it.xds.IstioShapes.Workload;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.List;

/**
 * What istiod would send the sidecars of a small meshed namespace with mTLS on (auto mTLS, every
 * pod labelled security.istio.io/tlsMode=istio), given the pods' addresses. The Istio
 * configuration it stands for:
 *
 * <pre>
 * Service httpbin           10.96.0.40:8080 (http)  -> pod httpbin:8080   PeerAuthentication STRICT (port 8080)
 * Service httpbin-plaintext 10.96.0.43:8080 (http)  -> pod httpbin:8080   DestinationRule tls.mode DISABLE (seed 003)
 * Service tcp-echo          10.96.0.41:9000 (tcp)   -> pod httpbin:9000   PeerAuthentication STRICT (port 9000)
 * (no Service)                                         pod httpbin:8081   PeerAuthentication portLevelMtls 8081: PERMISSIVE
 * Service openssl-server    10.96.0.44:8443 (http)  -> pod peer:8443      (an openssl s_server standing in for an Envoy sidecar)
 * ServiceAccounts: one per pod, named after it
 * </pre>
 * Every sidecar is sent the same resources (the test's control plane has one snapshot), so the
 * client also has httpbin's inbound chains and httpbin the client's outbound listeners; neither
 * receives traffic for the other's.
 */
public record MtlsMesh(String httpbinIp, String peerIp) {
  public static final String HTTPBIN = "httpbin";
  public static final String HTTPBIN_PLAINTEXT = "httpbin-plaintext";
  public static final String TCP_ECHO = "tcp-echo";
  public static final String OPENSSL_SERVER = "openssl-server";
  public static final String HTTPBIN_VIP = "10.96.0.40";
  public static final String TCP_ECHO_VIP = "10.96.0.41";
  public static final String HTTPBIN_PLAINTEXT_VIP = "10.96.0.43";
  public static final String OPENSSL_SERVER_VIP = "10.96.0.44";
  public static final int HTTP_PORT = 8080;
  public static final int PERMISSIVE_HTTP_PORT = 8081;
  public static final int TCP_PORT = 9000;
  public static final int OPENSSL_PORT = 8443;
  /** The pod names, which are also their service accounts. */
  public static final String HTTPBIN_POD = "httpbin";
  public static final String PEER_POD = "peer";

  public MeshConfig config() {
    String httpbinCluster = outboundCluster(HTTP_PORT, "", HTTPBIN);
    String plaintextCluster = outboundCluster(HTTP_PORT, "", HTTPBIN_PLAINTEXT);
    String tcpCluster = outboundCluster(TCP_PORT, "", TCP_ECHO);
    String opensslCluster = outboundCluster(OPENSSL_PORT, "", OPENSSL_SERVER);
    String httpbinSa = MeshCa.spiffeId(IstioShapes.NAMESPACE, HTTPBIN_POD);
    String peerSa = MeshCa.spiffeId(IstioShapes.NAMESPACE, PEER_POD);

    List<InboundPort> inbound = List.of(
        new InboundPort(HTTP_PORT, PortProtocol.HTTP, PeerAuthentication.STRICT, HTTPBIN),
        new InboundPort(TCP_PORT, PortProtocol.TCP, PeerAuthentication.STRICT, TCP_ECHO),
        new InboundPort(PERMISSIVE_HTTP_PORT, PortProtocol.HTTP, PeerAuthentication.PERMISSIVE, HTTPBIN));
    return new MeshConfig(
        List.of(
            IstioShapes.virtualOutbound(OutboundPolicy.REGISTRY_ONLY),
            IstioShapes.httpOutboundListener(HTTP_PORT),
            IstioShapes.httpOutboundListener(OPENSSL_PORT),
            IstioMtlsShapes.tcpOutboundListener(TCP_ECHO_VIP, TCP_PORT, tcpCluster),
            IstioMtlsShapes.virtualInbound(inbound)),
        List.of(
            IstioShapes.routeConfiguration(HTTP_PORT, List.of(
                host(HTTPBIN, HTTPBIN_VIP, HTTP_PORT, httpbinCluster),
                host(HTTPBIN_PLAINTEXT, HTTPBIN_PLAINTEXT_VIP, HTTP_PORT, plaintextCluster)), OutboundPolicy.REGISTRY_ONLY),
            IstioShapes.routeConfiguration(OPENSSL_PORT, List.of(
                host(OPENSSL_SERVER, OPENSSL_SERVER_VIP, OPENSSL_PORT, opensslCluster)), OutboundPolicy.REGISTRY_ONLY)),
        List.of(
            IstioMtlsShapes.istioMutualCluster(HTTP_PORT, "", HTTPBIN, List.of(httpbinSa)),
            IstioMtlsShapes.tlsDisabledCluster(HTTP_PORT, HTTPBIN_PLAINTEXT),
            IstioMtlsShapes.istioMutualCluster(TCP_PORT, "", TCP_ECHO, List.of(httpbinSa)),
            IstioMtlsShapes.istioMutualCluster(OPENSSL_PORT, "", OPENSSL_SERVER, List.of(peerSa)),
            IstioMtlsShapes.inboundPortCluster(HTTP_PORT),
            IstioMtlsShapes.inboundPortCluster(TCP_PORT),
            IstioMtlsShapes.inboundPortCluster(PERMISSIVE_HTTP_PORT),
            IstioShapes.blackHoleCluster(),
            IstioShapes.passthroughCluster(),
            IstioShapes.inboundPassthroughCluster()),
        List.of(
            IstioMtlsShapes.meshedEndpoints(httpbinCluster, List.of(workload(HTTPBIN_POD, httpbinIp, HTTP_PORT, HTTPBIN))),
            IstioMtlsShapes.meshedEndpoints(plaintextCluster,
                List.of(workload(HTTPBIN_POD, httpbinIp, HTTP_PORT, HTTPBIN_PLAINTEXT))),
            IstioMtlsShapes.meshedEndpoints(tcpCluster, List.of(workload(HTTPBIN_POD, httpbinIp, TCP_PORT, TCP_ECHO))),
            IstioMtlsShapes.meshedEndpoints(opensslCluster, List.of(workload(PEER_POD, peerIp, OPENSSL_PORT, OPENSSL_SERVER)))));
  }

  private static VirtualHost host(String service, String vip, int port, String cluster) {
    return serviceVirtualHost(service, vip, port,
        List.of(route("default", prefix("/"), cluster, noTimeout(), defaultRetryPolicy(), service, port)));
  }

  private static Workload workload(String pod, String ip, int port, String app) {
    return new Workload(pod, ip, port, app, "v1");
  }
}
