package dev.outrigger.core.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS contexts of this workload's identity, built once per policy and identity: building one
 * parses keys and sets up BoringSSL, too slow per connection. A new identity from the
 * {@link CertificateSource} starts a new generation, so new connections use the rotated
 * certificate while open ones keep theirs.
 *
 * <p>BoringSSL through netty-tcnative when it loads (Envoy's TLS library: the same ALPN and SNI
 * behaviour, and cheaper handshakes), else the JDK provider.
 */
public final class TlsContexts {
  private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);

  private final CertificateSource source;
  private final SslProvider provider;
  private final AtomicReference<Generation> generation = new AtomicReference<>();

  public TlsContexts(CertificateSource source) {
    this(source, defaultProvider());
  }

  public TlsContexts(CertificateSource source, SslProvider provider) {
    this.source = source;
    this.provider = provider;
    source.onChange(identity -> log.info("mesh identity changed (valid until {}); new TLS connections use it",
        identity.notAfter()));
  }

  /** BoringSSL if netty-tcnative loaded, else the JDK (logged once: it changes handshake cost). */
  public static SslProvider defaultProvider() {
    if (OpenSsl.isAvailable() && SslProvider.isAlpnSupported(SslProvider.OPENSSL)) {
      return SslProvider.OPENSSL;
    }
    log.warn("BoringSSL (netty-tcnative) unavailable, TLS uses the JDK provider: {}", String.valueOf(OpenSsl.unavailabilityCause()));
    return SslProvider.JDK;
  }

  public SslProvider provider() {
    return provider;
  }

  /** The identity connections present now, if one was issued yet. */
  public Optional<IdentityMaterial> identity() {
    return source.current();
  }

  public SslContext client(ClientTlsPolicy policy) throws SSLException {
    Generation g = current();
    return g.get(policy, () -> SslContextBuilder.forClient()
        .sslProvider(provider)
        .keyManager(g.identity.key(), g.identity.chain())
        .trustManager(new MeshTrustManager(g.identity.roots(), policy.acceptedSans()))
        .endpointIdentificationAlgorithm(null) // identities are SANs checked above, not host names
        .applicationProtocolConfig(alpn(policy.alpn()))
        .build());
  }

  public SslContext server(ServerTlsPolicy policy) throws SSLException {
    Generation g = current();
    return g.get(policy, () -> SslContextBuilder.forServer(g.identity.key(), g.identity.chain())
        .sslProvider(provider)
        .trustManager(new MeshTrustManager(g.identity.roots(), policy.acceptedSans()))
        .clientAuth(policy.requireClientCertificate() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL)
        .applicationProtocolConfig(alpn(policy.alpn()))
        .build());
  }

  private Generation current() throws SSLException {
    IdentityMaterial identity = source.current()
        .orElseThrow(() -> new SSLException("TLS error: Secret is not supplied by SDS")); // Envoy's NotReadySslSocket
    Generation g = generation.get();
    if (g == null || g.identity != identity) {
      Generation next = new Generation(identity);
      g = generation.compareAndSet(g, next) ? next : generation.get();
      if (g.identity != identity) {
        g = next; // raced with another rotation: use ours for this connection
      }
    }
    return g;
  }

  private static ApplicationProtocolConfig alpn(List<String> protocols) {
    if (protocols.isEmpty()) {
      return ApplicationProtocolConfig.DISABLED;
    }
    // An ALPN mismatch is not an error (BoringSSL's no-ack, as Envoy): the connection goes on without one.
    return new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, protocols);
  }

  private interface Build {
    SslContext build() throws SSLException;
  }

  /** The contexts of one identity. */
  private static final class Generation {
    final IdentityMaterial identity;
    final Map<Object, SslContext> contexts = new ConcurrentHashMap<>();

    Generation(IdentityMaterial identity) {
      this.identity = identity;
    }

    SslContext get(Object policy, Build build) throws SSLException {
      SslContext existing = contexts.get(policy);
      if (existing != null) {
        return existing;
      }
      SslContext built = build.build();
      SslContext raced = contexts.putIfAbsent(policy, built);
      return raced == null ? built : raced;
    }
  }
}
