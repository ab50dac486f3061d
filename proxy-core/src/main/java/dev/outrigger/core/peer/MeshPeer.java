package dev.outrigger.core.peer;

import java.util.Objects;

/**
 * The other end of a request or connection as Istio's stats filter sees it: the first URI SAN of
 * the peer's certificate and of ours on that TLS session (empty without TLS), and the workload the
 * peer described in the metadata exchange (null when it sent none).
 */
public record MeshPeer(String principal, String localPrincipal, PeerMetadata metadata) {
  /** Nothing known: plaintext, no exchange. */
  public static final MeshPeer NONE = new MeshPeer("", "", null);

  public MeshPeer {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(localPrincipal, "localPrincipal");
  }

  public MeshPeer withMetadata(PeerMetadata value) {
    return new MeshPeer(principal, localPrincipal, value);
  }

  /** Istio's server-side mutual TLS: both ends presented a certificate with a URI SAN. */
  public boolean mutualTls() {
    return !principal.isEmpty() && !localPrincipal.isEmpty();
  }
}
