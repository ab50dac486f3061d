package dev.outrigger.core.tls;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The identities on one TLS session as Istio's stats filter reads them: the first URI SAN of the
 * peer's certificate and of ours (Envoy's uriSanPeerCertificate()[0] and
 * uriSanLocalCertificate()[0]); empty where there is no such certificate or SAN.
 */
public record TlsPrincipals(String peer, String local) {
  /** A plaintext connection. */
  public static final TlsPrincipals NONE = new TlsPrincipals("", "");
  /** Set on an upstream channel once its handshake succeeded; absent on plaintext ones. */
  private static final AttributeKey<TlsPrincipals> UPSTREAM = AttributeKey.valueOf("outrigger.tls.upstreamPrincipals");

  public TlsPrincipals {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(local, "local");
  }

  public static TlsPrincipals of(SSLSession session) {
    String peer = "";
    try {
      peer = firstUriSan(session.getPeerCertificates());
    } catch (SSLPeerUnverifiedException e) {
      // no certificate from the peer
    }
    return new TlsPrincipals(peer, firstUriSan(session.getLocalCertificates()));
  }

  /** Read once per connection, after the handshake, so that requests on it need not parse certificates. */
  static void upstream(Channel channel, SSLSession session) {
    channel.attr(UPSTREAM).set(of(session));
  }

  /** The principals of an upstream connection: {@link #NONE} unless it is mesh TLS. */
  public static TlsPrincipals upstream(Channel channel) {
    TlsPrincipals p = channel.attr(UPSTREAM).get();
    return p == null ? NONE : p;
  }

  private static String firstUriSan(Certificate[] chain) {
    if (chain != null && chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
      List<String> uris = PeerIdentity.uriSans(leaf);
      return uris.isEmpty() ? "" : uris.get(0);
    }
    return "";
  }
}
