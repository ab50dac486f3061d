package dev.outrigger.core.inbound;

import dev.outrigger.core.net.OriginalDestination;
import dev.outrigger.core.net.ClientAddress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.cluster.ClusterManager;
import dev.outrigger.core.config.ConfigStore;
import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.tls.MeshTls;
import dev.outrigger.core.http.HttpSettings;
import dev.outrigger.core.route.ConnectionPlan;
import dev.outrigger.core.route.HttpRouting;
import dev.outrigger.core.route.RouteDecision;
import dev.outrigger.core.route.Upstream;
import dev.outrigger.core.route.listener.ConnectionFacts;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InboundRouterTest {
  private static final InetSocketAddress POD_8080 = new InetSocketAddress("10.244.2.4", 8080);
  private static final InetSocketAddress POD_V6_80 = new InetSocketAddress("fd00::4", 80);
  private static final InetSocketAddress CLIENT = new InetSocketAddress("10.244.1.7", 40000);

  private static RouteDecision tcp(InboundMode mode, InetSocketAddress destination) {
    ConnectionPlan plan = new InboundRouter(mode, HttpSettings.defaults())
        .plan(new ConnectionFacts(new OriginalDestination(destination), new ClientAddress(CLIENT), "raw_buffer", Set.of()));
    return assertInstanceOf(ConnectionPlan.Tcp.class, plan).decision();
  }

  @Test
  void preserveConnectsToThePodAddressFrom127_0_0_6() {
    RouteDecision d = tcp(InboundMode.PRESERVE, POD_8080);
    assertEquals(POD_8080, d.upstream().address());
    assertEquals(new InetSocketAddress("127.0.0.6", 0), d.upstream().bindAddress().orElseThrow().address());
    assertEquals("inbound|8080||", d.cluster());
  }

  @Test
  void preserveBindsColonColon6ForIpv6() {
    Upstream u = tcp(InboundMode.PRESERVE, POD_V6_80).upstream();
    assertEquals(POD_V6_80, u.address());
    assertEquals(new InetSocketAddress("::6", 0), u.bindAddress().orElseThrow().address());
  }

  @Test
  void loopbackConnectsToLocalhostOnTheOriginalPort() {
    RouteDecision d = tcp(InboundMode.LOOPBACK, POD_8080);
    assertEquals(new InetSocketAddress("127.0.0.1", 8080), d.upstream().address());
    assertTrue(d.upstream().bindAddress().isEmpty());
    assertEquals("inbound|8080||", d.cluster());
  }

  @Test
  void loopbackUsesColonColon1ForIpv6() {
    assertEquals(new InetSocketAddress("::1", 80), tcp(InboundMode.LOOPBACK, POD_V6_80).upstream().address());
  }

  @Test
  void everyHttpRequestGoesToTheAppUnderTheInboundCluster() {
    ConnectionPlan plan = new InboundRouter(InboundMode.PRESERVE, HttpSettings.defaults())
        .plan(new ConnectionFacts(new OriginalDestination(POD_8080), new ClientAddress(CLIENT), "raw_buffer", Set.of("http/1.1")));
    HttpRouting routing = assertInstanceOf(ConnectionPlan.Http.class, plan).router()
        .route(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
    RouteDecision d = assertInstanceOf(HttpRouting.Forward.class, routing).decision();
    assertEquals("inbound|8080||", d.cluster());
    assertEquals(POD_8080, d.upstream().address());
  }

  @Test
  void aLocalhostInboundPortIsDialledOverLoopbackInPreserveModeWhileOthersStayPreserved() {
    InboundRouter router = new InboundRouter(
        new InboundEndpoint(InboundMode.PRESERVE, LocalhostInboundPorts.parse("8080")), HttpSettings.defaults(),
        new ConfigStore(), new ClusterManager(), MeshTls.NONE);
    Upstream lo = tcp(router, POD_8080).upstream();
    assertEquals(new InetSocketAddress("127.0.0.1", 8080), lo.address());
    assertTrue(lo.bindAddress().isEmpty());
    assertEquals(new InetSocketAddress("::1", 8080),
        tcp(router, new InetSocketAddress("fd00::4", 8080)).upstream().address());
    Upstream preserved = tcp(router, POD_V6_80).upstream();
    assertEquals(POD_V6_80, preserved.address());
    assertEquals(new InetSocketAddress("::6", 0), preserved.bindAddress().orElseThrow().address());
  }

  private static RouteDecision tcp(InboundRouter router, InetSocketAddress destination) {
    ConnectionPlan plan = router
        .plan(new ConnectionFacts(new OriginalDestination(destination), new ClientAddress(CLIENT), "raw_buffer", Set.of()));
    return assertInstanceOf(ConnectionPlan.Tcp.class, plan).decision();
  }
}
