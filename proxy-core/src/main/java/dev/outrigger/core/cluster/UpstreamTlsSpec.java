package dev.outrigger.core.cluster;

import java.util.List;

/**
 * A cluster's ISTIO_MUTUAL transport socket, as istiod writes it in the cluster's
 * transport_socket_matches entry for {@code tlsMode: istio} (auto mTLS): an UpstreamTlsContext whose
 * certificate and roots come over SDS.
 *
 * @param sni {@code outbound_.<port>_.<subset>_.<host>}
 * @param alpn the protocols offered, in order (Istio's in-mesh lists, e.g. istio-h2 / istio)
 * @param subjectAltNames the SPIFFE identities the server may have (match_subject_alt_names); empty:
 *     any identity of the mesh
 * @param certificateSecret the SDS secret of this workload's certificate (istiod names it "default")
 * @param validationSecret the SDS secret of the mesh roots (istiod names it "ROOTCA")
 */
public record UpstreamTlsSpec(String sni, List<String> alpn, List<String> subjectAltNames, String certificateSecret,
    String validationSecret) {
  /** istiod's SDS name for the workload certificate. */
  public static final String DEFAULT_CERTIFICATE = "default";
  /** istiod's SDS name for the mesh's root certificates. */
  public static final String ROOT_CA = "ROOTCA";

  public UpstreamTlsSpec {
    alpn = List.copyOf(alpn);
    subjectAltNames = List.copyOf(subjectAltNames);
  }
}
