package dev.outrigger.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.relay.TransportFailures;
import dev.outrigger.core.stats.Counter;
import io.netty.channel.ConnectTimeoutException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import dev.outrigger.core.route.Upstream;
import dev.outrigger.core.route.UpstreamConnector;
import dev.outrigger.core.route.UpstreamHttpProtocol;
import dev.outrigger.core.route.UpstreamTransport;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ISTIO_MUTUAL towards a real TLS server, {@code openssl s_server -Verify} (as an Envoy server
 * sidecar): this proxy's certificate is accepted, the SNI and ALPN list are what Istio's cluster
 * sets, and the server's SPIFFE SAN and root are verified, a failure worded as Envoy's.
 */
class MeshTlsTransportTest {
  private static final String SERVER_ID = "spiffe://cluster.local/ns/default/sa/server";
  private static final String SNI = "outbound_.8080_._.server.default.svc.cluster.local";
  private static final List<String> ALPN = List.of("istio-http/1.1", "istio");

  @TempDir static Path dir;
  static OpensslMeshCa mesh;
  static OpensslMeshCa.Leaf client;
  static OpensslMeshCa.Leaf server;
  static OpensslMeshCa.Leaf foreignServer;
  static OpensslMeshCa.Leaf expiredServer;
  static EventLoopGroup group;

  @BeforeAll
  static void ca() throws Exception {
    mesh = OpensslMeshCa.create(dir, "mesh");
    client = mesh.issue("client", "spiffe://cluster.local/ns/default/sa/client");
    server = mesh.issue("server", SERVER_ID);
    foreignServer = OpensslMeshCa.create(dir, "foreign").issue("server", SERVER_ID);
    expiredServer = mesh.issueExpired("expired-server", SERVER_ID);
    group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  }

  @AfterAll
  static void stop() throws Exception {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  @Test
  void offersIstiosSniAndAlpnAndVerifiesTheServersSan() throws Exception {
    try (OpensslServer s = new OpensslServer(server, mesh.root(), "istio-http/1.1,h2", dir.resolve("ok.out"))) {
      ChannelFuture f = connect(s, List.of(SERVER_ID));
      assertTrue(f.isSuccess(), () -> "handshake: " + f.cause());
      SslHandler tls = f.channel().pipeline().get(SslHandler.class);
      assertEquals("istio-http/1.1", tls.applicationProtocol());
      f.channel().close().sync();
      waitFor(s, "ALPN protocols advertised by the client");
      assertTrue(s.output().contains("ALPN protocols advertised by the client: istio-http/1.1, istio"), s.output());
      assertEquals(SNI, s.offeredServerName());
    }
  }

  @Test
  void aServerWithAnotherSpiffeIdIsRefusedAsEnvoyWordsIt() throws Exception {
    try (OpensslServer s = new OpensslServer(server, mesh.root(), "istio-http/1.1", dir.resolve("san.out"))) {
      ChannelFuture f = connect(s, List.of("spiffe://cluster.local/ns/default/sa/someone-else"));
      assertInstanceOf(UpstreamTlsException.class, f.cause());
      assertEquals("TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:"
          + "verify cert failed: SAN matcher:TLS_error_end", TransportFailures.reason(f.cause()));
      assertEquals(List.of(Counter.SSL_FAIL_VERIFY_SAN), TlsFailureCounters.of(f.cause()));
    }
  }

  @Test
  void aServerOfAnotherRootIsRefused() throws Exception {
    try (OpensslServer s = new OpensslServer(foreignServer, mesh.root(), "istio-http/1.1", dir.resolve("root.out"))) {
      ChannelFuture f = connect(s, List.of(SERVER_ID));
      // BoringSSL finds no issuer for the server's intermediate (depth 1) in our roots
      assertEquals("TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:verify cert failed: "
          + "X509_verify_cert: certificate verification error at depth 1: unable to get local issuer certificate:TLS_error_end",
          TransportFailures.reason(f.cause()));
      assertEquals(List.of(Counter.SSL_FAIL_VERIFY_ERROR), TlsFailureCounters.of(f.cause()));
    }
  }

  @Test
  void aServerWithAnExpiredCertificateIsRefused() throws Exception {
    try (OpensslServer s = new OpensslServer(expiredServer, mesh.root(), "istio", dir.resolve("expired.out"))) {
      ChannelFuture f = connect(s, List.of(SERVER_ID));
      assertEquals("TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:verify cert failed: "
          + "X509_verify_cert: certificate verification error at depth 0: certificate has expired:TLS_error_end",
          TransportFailures.reason(f.cause()));
      assertEquals(List.of(Counter.SSL_FAIL_VERIFY_ERROR), TlsFailureCounters.of(f.cause()));
    }
  }

  @Test
  void aServerThatStallsTheHandshakeIsAConnectTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      long start = System.nanoTime();
      Upstream upstream = Upstream.direct(new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort()))
          .withTransport(transport(ALPN, List.of(SERVER_ID)));
      ChannelFuture f = group.next().submit(() -> new UpstreamConnector(Duration.ofMillis(300))
          .connect(group.next(), upstream, new ChannelInboundHandlerAdapter())).get(5, TimeUnit.SECONDS);
      assertTrue(f.await(5, TimeUnit.SECONDS));
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      // Envoy's connect_timeout covers the handshake: a timeout (503 UF, upstream_cx_connect_timeout,
      // no transport failure reason), not a TLS error
      assertInstanceOf(ConnectTimeoutException.class, f.cause());
      assertTrue(elapsedMillis >= 250 && elapsedMillis < 3000, "timed out after " + elapsedMillis + " ms");
      assertEquals(List.of(), TlsFailureCounters.of(f.cause()));
      assertEquals(null, TransportFailures.reason(f.cause()));
      assertTrue(f.channel().closeFuture().await(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void anHttp2ExchangeOffersIstiosH2ListAndTcpTheClustersOwn() throws Exception {
    try (OpensslServer s = new OpensslServer(server, mesh.root(), "istio-h2,istio", dir.resolve("h2.out"))) {
      ChannelFuture f = connect(s, transport(List.of("istio"), List.of(SERVER_ID)).forHttp(UpstreamHttpProtocol.HTTP2));
      assertTrue(f.isSuccess(), () -> "handshake: " + f.cause());
      assertEquals("istio-h2", f.channel().pipeline().get(SslHandler.class).applicationProtocol());
      f.channel().close().sync();
      waitFor(s, "ALPN protocols advertised by the client");
      assertTrue(s.output().contains("ALPN protocols advertised by the client: istio-h2, istio, h2"), s.output());
    }
    try (OpensslServer s = new OpensslServer(server, mesh.root(), "istio", dir.resolve("tcp.out"))) {
      ChannelFuture f = connect(s, transport(List.of("istio"), List.of(SERVER_ID)));
      assertTrue(f.isSuccess(), () -> "handshake: " + f.cause());
      f.channel().close().sync();
      waitFor(s, "ALPN protocols advertised by the client");
      assertTrue(s.output().contains("ALPN protocols advertised by the client: istio\n"), s.output());
    }
  }

  @Test
  void eachAlpnListIsItsOwnTransportSoPoolsKeepThemApart() throws Exception {
    MeshTlsTransport cluster = transport(List.of("istio"), List.of(SERVER_ID));
    assertEquals(List.of("istio-http/1.0", "istio", "http/1.0"), cluster.forHttp(UpstreamHttpProtocol.HTTP10).policy().alpn());
    assertEquals(List.of("istio-http/1.1", "istio", "http/1.1"), cluster.forHttp(UpstreamHttpProtocol.HTTP11).policy().alpn());
    assertEquals(cluster.forHttp(UpstreamHttpProtocol.HTTP11), cluster.forHttp(UpstreamHttpProtocol.HTTP11));
    assertNotEquals(cluster.forHttp(UpstreamHttpProtocol.HTTP11), cluster.forHttp(UpstreamHttpProtocol.HTTP2));
    assertNotEquals(cluster, cluster.forHttp(UpstreamHttpProtocol.HTTP11));
    assertSame(UpstreamTransport.PLAINTEXT, UpstreamTransport.PLAINTEXT.forHttp(UpstreamHttpProtocol.HTTP2));
    // Envoy has no HTTP/1.0 upstream: an HTTP/1.0 client's exchange offers the HTTP/1.1 list
    assertEquals(UpstreamHttpProtocol.HTTP11, UpstreamHttpProtocol.forExchange(false));
    assertEquals(UpstreamHttpProtocol.HTTP2, UpstreamHttpProtocol.forExchange(true));
  }

  @Test
  void usesBoringSsl() {
    assertEquals(SslProvider.OPENSSL, TlsContexts.defaultProvider(), "netty-tcnative-boringssl-static loads here");
  }

  private ChannelFuture connect(OpensslServer s, List<String> sans) throws Exception {
    return connect(s, transport(ALPN, sans));
  }

  private static MeshTlsTransport transport(List<String> alpn, List<String> sans) throws Exception {
    return new MeshTlsTransport(new TlsContexts(new FixedCertificateSource(client.identity())), SNI,
        new ClientTlsPolicy(alpn, sans));
  }

  private ChannelFuture connect(OpensslServer s, UpstreamTransport transport) throws Exception {
    Upstream upstream = Upstream.direct(s.address()).withTransport(transport);
    ChannelFuture f = group.next().submit(() -> new UpstreamConnector(Duration.ofSeconds(5))
        .connect(group.next(), upstream, new ChannelInboundHandlerAdapter())).get(5, TimeUnit.SECONDS);
    f.await(10, TimeUnit.SECONDS);
    return f;
  }

  private static void waitFor(OpensslServer s, String text) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!s.output().contains(text) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }
}
