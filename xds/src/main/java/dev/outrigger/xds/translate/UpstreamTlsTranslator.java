package dev.outrigger.xds.translate;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Value;
import dev.outrigger.core.cluster.UpstreamTlsSpec;
import dev.outrigger.xds.RejectedUpdate;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ISTIO_MUTUAL transport socket of a cluster, as istiod's cluster builder writes it (auto mTLS):
 * the transport_socket_matches entry matching {@code tlsMode: istio}, an
 * envoy.transport_sockets.tls UpstreamTlsContext with the workload certificate from SDS
 * ("default"), a combined validation context (SDS "ROOTCA" plus match_subject_alt_names), the SNI
 * and the ALPN list.
 */
final class UpstreamTlsTranslator {
  /** Offered by Istio for its TCP metadata exchange, which Outrigger does not speak: never offered. */
  static final String PEER_EXCHANGE = "istio-peer-exchange";

  private UpstreamTlsTranslator() {}

  static Optional<UpstreamTlsSpec> istioMutual(Cluster c, String where) throws RejectedUpdate {
    for (Cluster.TransportSocketMatch m : c.getTransportSocketMatchesList()) {
      boolean istio = "istio".equals(m.getMatch().getFieldsOrDefault("tlsMode", Value.getDefaultInstance()).getStringValue());
      if (!istio || !m.getTransportSocket().getName().contains("tls") || !m.getTransportSocket().hasTypedConfig()) {
        continue;
      }
      UpstreamTlsContext tls;
      try {
        tls = m.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
      } catch (InvalidProtocolBufferException e) {
        throw new RejectedUpdate(where + ": transport socket " + m.getName() + " is not an UpstreamTlsContext: " + e.getMessage());
      }
      return Optional.of(spec(tls, where));
    }
    return Optional.empty();
  }

  static UpstreamTlsSpec spec(UpstreamTlsContext tls, String where) throws RejectedUpdate {
    CommonTlsContext common = tls.getCommonTlsContext();
    String certificate = common.getTlsCertificateSdsSecretConfigsCount() == 0
        ? UpstreamTlsSpec.DEFAULT_CERTIFICATE : common.getTlsCertificateSdsSecretConfigs(0).getName();
    String validation = common.hasCombinedValidationContext()
        ? common.getCombinedValidationContext().getValidationContextSdsSecretConfig().getName()
        : common.getValidationContextSdsSecretConfig().getName();
    List<StringMatcher> matchers = common.hasCombinedValidationContext()
        ? common.getCombinedValidationContext().getDefaultValidationContext().getMatchSubjectAltNamesList()
        : common.getValidationContext().getMatchSubjectAltNamesList();
    List<String> sans = new ArrayList<>();
    for (StringMatcher matcher : matchers) {
      if (matcher.getMatchPatternCase() != StringMatcher.MatchPatternCase.EXACT) {
        throw new RejectedUpdate(where + ": subject alt name matcher " + matcher.getMatchPatternCase()
            + " is not supported (istiod writes exact SPIFFE identities)");
      }
      sans.add(matcher.getExact());
    }
    List<String> alpn = common.getAlpnProtocolsList().stream().filter(p -> !PEER_EXCHANGE.equals(p)).toList();
    return new UpstreamTlsSpec(tls.getSni(), alpn, sans, certificate,
        validation.isEmpty() ? UpstreamTlsSpec.ROOT_CA : validation);
  }
}
