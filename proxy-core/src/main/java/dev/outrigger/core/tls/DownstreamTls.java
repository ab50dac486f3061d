package dev.outrigger.core.tls;

import java.util.List;

/**
 * A downstream connection this proxy terminated TLS on: who the client proved to be (absent when
 * it presented no certificate), its certificate's subject as Envoy prints it
 * ({@link OpensslSubjectName}) and DNS SANs, and the URI SANs of the certificate this proxy
 * presented.
 */
public record DownstreamTls(PeerIdentity peer, String peerSubject, List<String> localUriSans, List<String> peerDnsSans) {
  public DownstreamTls {
    localUriSans = List.copyOf(localUriSans);
    peerDnsSans = List.copyOf(peerDnsSans);
  }

  /** A client certificate without DNS SANs (istiod's carry only the SPIFFE URI). */
  public DownstreamTls(PeerIdentity peer, String peerSubject, List<String> localUriSans) {
    this(peer, peerSubject, localUriSans, List.of());
  }

  /** The first URI SAN of the client's certificate and of ours, as Istio's stats filter reads them. */
  public TlsPrincipals principals() {
    return new TlsPrincipals(peer == null ? "" : peer.uri().orElse(""), localUriSans.isEmpty() ? "" : localUriSans.get(0));
  }
}
