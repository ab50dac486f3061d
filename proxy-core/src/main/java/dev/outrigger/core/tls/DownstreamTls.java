package dev.outrigger.core.tls;

import java.util.List;

/**
 * A downstream connection this proxy terminated TLS on: who the client proved to be (absent when
 * it presented no certificate) and the URI SANs of the certificate this proxy presented.
 */
public record DownstreamTls(PeerIdentity peer, String peerSubject, List<String> localUriSans) {
  public DownstreamTls {
    localUriSans = List.copyOf(localUriSans);
  }

  /** The first URI SAN of the client's certificate and of ours, as Istio's stats filter reads them. */
  public TlsPrincipals principals() {
    return new TlsPrincipals(peer == null ? "" : peer.uri().orElse(""), localUriSans.isEmpty() ? "" : localUriSans.get(0));
  }
}
