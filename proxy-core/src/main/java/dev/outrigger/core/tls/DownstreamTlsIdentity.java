package dev.outrigger.core.tls;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** The identities of a terminated TLS session, read once after its handshake. */
public final class DownstreamTlsIdentity {
  private DownstreamTlsIdentity() {}

  public static DownstreamTls of(SSLSession session) {
    List<String> local = List.of();
    Certificate[] mine = session.getLocalCertificates();
    if (mine != null && mine.length > 0 && mine[0] instanceof X509Certificate leaf) {
      local = PeerIdentity.uriSans(leaf);
    }
    try {
      Certificate[] peer = session.getPeerCertificates();
      if (peer.length > 0 && peer[0] instanceof X509Certificate leaf) {
        return new DownstreamTls(PeerIdentity.of(leaf), OpensslSubjectName.of(leaf.getSubjectX500Principal()), local,
            PeerIdentity.dnsSans(leaf));
      }
    } catch (SSLPeerUnverifiedException e) {
      // no client certificate (possible only where one is not required)
    }
    return new DownstreamTls(null, "", local);
  }
}
