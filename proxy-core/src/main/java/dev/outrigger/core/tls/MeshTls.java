package dev.outrigger.core.tls;

import java.util.Objects;
import java.util.Optional;

/**
 * The workload's mTLS: its identity's TLS contexts (empty when it has no certificate source, so
 * mTLS chains and clusters are refused) and the inbound mode that applies without istiod.
 */
public record MeshTls(Optional<TlsContexts> contexts, PeerAuthenticationMode staticMode) {
  /** No identity, plaintext only: the proxy as it is without a mesh. */
  public static final MeshTls NONE = new MeshTls(Optional.empty(), PeerAuthenticationMode.DISABLE);

  public MeshTls {
    Objects.requireNonNull(contexts, "contexts");
    Objects.requireNonNull(staticMode, "staticMode");
    if (contexts.isEmpty() && staticMode != PeerAuthenticationMode.DISABLE) {
      throw new IllegalArgumentException("mTLS mode " + staticMode + " needs a workload certificate");
    }
  }

  public static MeshTls of(TlsContexts contexts, PeerAuthenticationMode staticMode) {
    return new MeshTls(Optional.of(contexts), staticMode);
  }
}
