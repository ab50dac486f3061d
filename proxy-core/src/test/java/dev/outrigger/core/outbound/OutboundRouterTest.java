package dev.outrigger.core.outbound;

import dev.outrigger.core.net.OriginalDestination;
import dev.outrigger.core.net.ClientAddress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.http.HttpSettings;
import dev.outrigger.core.route.ConnectionPlan;
import dev.outrigger.core.route.HttpRouting;
import dev.outrigger.core.route.RouteDecision;
import dev.outrigger.core.route.listener.ConnectionFacts;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OutboundRouterTest {
  private static final InetSocketAddress POD_8080 = new InetSocketAddress("10.244.2.4", 8080);
  private static final InetSocketAddress POD_V6_80 = new InetSocketAddress("fd00::4", 80);
  private static final InetSocketAddress CLIENT = new InetSocketAddress("10.244.1.7", 40000);
  private final OutboundRouter router = new OutboundRouter(HttpSettings.defaults());

  private RouteDecision tcp(InetSocketAddress destination) {
    ConnectionPlan plan = router.plan(new ConnectionFacts(new OriginalDestination(destination), new ClientAddress(CLIENT), "raw_buffer", Set.of()));
    return assertInstanceOf(ConnectionPlan.Tcp.class, plan).decision();
  }

  private RouteDecision http(InetSocketAddress destination, String host) {
    ConnectionPlan plan = router.plan(new ConnectionFacts(new OriginalDestination(destination), new ClientAddress(CLIENT), "raw_buffer", Set.of("http/1.1")));
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    if (host != null) {
      request.headers().set("host", host);
    }
    HttpRouting routing = assertInstanceOf(ConnectionPlan.Http.class, plan).router().route(request);
    return assertInstanceOf(HttpRouting.Forward.class, routing).decision();
  }

  @Test
  void tcpIsAPassthroughToTheOriginalDestination() {
    RouteDecision d = tcp(POD_8080);
    assertEquals(POD_8080, d.upstream().address());
    assertTrue(d.upstream().bindAddress().isEmpty());
    assertEquals("outbound|8080||10.244.2.4", d.cluster());
  }

  @Test
  void ipv6ClusterNamesUseTheShortAddressForm() {
    assertEquals("outbound|80||fd00::4", tcp(POD_V6_80).cluster());
  }

  @Test
  void httpClustersAreNamedAfterTheHostHeaderWithoutItsPort() {
    assertEquals("outbound|8080||reviews", http(POD_8080, "reviews:8080").cluster());
    assertEquals("outbound|80||fd00::4", http(POD_V6_80, "[fd00::4]:80").cluster());
    assertEquals("outbound|8080||10.244.2.4", http(POD_8080, null).cluster());
    assertEquals(POD_8080, http(POD_8080, "reviews").upstream().address());
  }

  @Test
  void tlsOfferingHttpInItsAlpnIsStillRelayedAsBytes() {
    // The ALPN of a ClientHello is what the client offers inside TLS, which this proxy does not terminate.
    ConnectionPlan plan = router.plan(new ConnectionFacts(new OriginalDestination(POD_8080), new ClientAddress(CLIENT), "tls", Set.of("h2", "http/1.1"), "reviews"));
    assertInstanceOf(ConnectionPlan.Tcp.class, plan);
  }
}
