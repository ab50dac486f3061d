package dev.outrigger.xds.istiod;

import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.List;

/**
 * istiod's mTLS contexts (pilot/pkg/networking/core/cluster_tls.go for the outbound side,
 * pilot/pkg/security/authn/utils.go BuildInboundTLS for the inbound side), as a real sidecar's
 * config dump shows them (xds/src/test/resources/istiod): TLS 1.2 to 1.3, the workload
 * certificate "default" and the mesh root "ROOTCA" over SDS, and the peer's SPIFFE id checked.
 */
public final class IstiodTls {
  /** The SDS names of the workload certificate and the mesh root (pilot/pkg/model/authentication.go). */
  public static final String SDS_DEFAULT = "default";
  public static final String SDS_ROOTCA = "ROOTCA";
  /** The ALPN an outbound ISTIO_MUTUAL cluster offers (util.ALPNInMeshWithMxc). */
  public static final List<String> ALPN_IN_MESH_WITH_MXC = List.of("istio-peer-exchange", "istio");
  /** What an inbound context accepts as a peer: any workload of the trust domain. */
  public static final String TRUST_DOMAIN_PREFIX = "spiffe://cluster.local/";

  private IstiodTls() {}

  /**
   * cluster_tls.go buildIstioMutualTLS: ALPN [istio-peer-exchange, istio], the SNI given and the
   * service accounts' SPIFFE ids as the accepted peer SANs.
   */
  public static UpstreamTlsContext upstreamTlsContext(String sni, List<String> serviceAccountIds) {
    CertificateValidationContext.Builder sans = CertificateValidationContext.newBuilder();
    serviceAccountIds.forEach(id -> sans.addMatchSubjectAltNames(StringMatcher.newBuilder().setExact(id)));
    return UpstreamTlsContext.newBuilder()
        .setCommonTlsContext(commonTlsContext(ALPN_IN_MESH_WITH_MXC, List.of(), sans))
        .setSni(sni)
        .build();
  }

  /**
   * BuildInboundTLS: the ALPNs and cipher suites given (istiod's depend on the port's protocol
   * and the mesh's cipher list), peers of the trust domain, and a client certificate required.
   */
  public static DownstreamTlsContext downstreamTlsContext(List<String> alpn, List<String> cipherSuites) {
    return DownstreamTlsContext.newBuilder()
        .setCommonTlsContext(commonTlsContext(alpn, cipherSuites, CertificateValidationContext.newBuilder()
            .addMatchSubjectAltNames(StringMatcher.newBuilder().setPrefix(TRUST_DOMAIN_PREFIX))))
        .setRequireClientCertificate(BoolValue.of(true))
        .build();
  }

  private static CommonTlsContext commonTlsContext(List<String> alpn, List<String> cipherSuites,
      CertificateValidationContext.Builder peerSans) {
    return CommonTlsContext.newBuilder()
        .setTlsParams(TlsParameters.newBuilder()
            .setTlsMinimumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_2)
            .setTlsMaximumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_3)
            .addAllCipherSuites(cipherSuites))
        .addAllAlpnProtocols(alpn)
        .addTlsCertificateSdsSecretConfigs(sds(SDS_DEFAULT))
        .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
            .setDefaultValidationContext(peerSans)
            .setValidationContextSdsSecretConfig(sds(SDS_ROOTCA)))
        .build();
  }

  private static SdsSecretConfig sds(String name) {
    return SdsSecretConfig.newBuilder().setName(name).setSdsConfig(IstiodConfigSources.sdsGrpc()).build();
  }
}
