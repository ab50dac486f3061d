package dev.outrigger.agent.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.outrigger.agent.http.Reply;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContextBuilder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The app probes against real servers on loopback, with the expectations of Istio's
 * TestAppProbe (pilot-agent status/server_test.go): its app handler's paths, status codes,
 * redirects, the Host and header passing; plus TCP, gRPC health and HTTPS.
 */
class AppProbeEndpointTest {
  private static final int AGENT_PORT = 15020;
  private static final Duration ONE_SECOND = Duration.ofSeconds(1);
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private HttpServer app;
  private int appPort;
  private final ProbeTarget loopback = target();

  private static ProbeTarget target() {
    try {
      return new ProbeTarget("127.0.0.1", InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.0.6"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @BeforeEach
  void startApp() throws IOException {
    app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    app.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      seen.add(path + " from " + exchange.getRemoteAddress().getAddress().getHostAddress()
          + " host " + exchange.getRequestHeaders().getFirst("Host")
          + " some-header " + exchange.getRequestHeaders().getFirst("Some-Header"));
      int status = 200;
      String body = "";
      if (path.equals("/header")) {
        boolean ok = "test.com:9999".equals(exchange.getRequestHeaders().getFirst("Host"))
            && "some-value".equals(exchange.getRequestHeaders().getFirst("Some-Header"));
        status = ok ? 200 : 400;
      } else if (path.equals("/redirect")) {
        status = 301;
        exchange.getResponseHeaders().set("Location", "/");
      } else if (path.equals("/redirect-loop")) {
        status = 301;
        exchange.getResponseHeaders().set("Location", "/redirect-loop");
      } else if (path.equals("/remote-redirect")) {
        status = 301;
        exchange.getResponseHeaders().set("Location", "http://example.com/foo");
      } else if (path.startsWith("/status/")) {
        status = Integer.parseInt(path.substring("/status/".length()));
        exchange.getResponseHeaders().set("Location", "/");
        body = "status " + status;
      } else if (path.equals("/slow")) {
        sleep(3000);
      } else if (path.equals("/") || path.equals("/hello/sunnyvale")) {
        body = "welcome, it works";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      boolean noBody = status == 204 || status == 304 || bytes.length == 0;
      exchange.sendResponseHeaders(status, noBody ? -1 : bytes.length);
      if (!noBody) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
      exchange.close();
    });
    app.start();
    appPort = app.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    app.stop(0);
    group.shutdownGracefully(200, 2000, TimeUnit.MILLISECONDS).syncUninterruptibly();
  }

  @Test
  void anHttpProbeAnswersWithTheAppsStatusAndBodyAndComesFromTheInboundPassthroughAddress() {
    Reply reply = probe(httpGet("/hello/sunnyvale"), headers("127.0.0.1:" + AGENT_PORT));
    assertEquals(200, reply.status().code());
    assertEquals("welcome, it works", reply.body());
    // Bound to 127.0.0.6: the capture rules RETURN it; the Host's agent port became the app's.
    assertEquals("/hello/sunnyvale from 127.0.0.6 host 127.0.0.1:" + appPort + " some-header null", seen.get(0));
  }

  @Test
  void aPathWithoutLeadingSlashAndAnEmptyPathAreMadeAbsolute() {
    assertEquals(200, probe(Map.of("/app-health/hello-world/readyz",
        new AppProbe.HttpGet(appPort, "/hello/texas", false, ONE_SECOND)), "/app-health/hello-world/readyz",
        headers(null)).status().code());
    assertEquals("/hello/texas", seen.get(0).split(" ")[0]);
    AppProbes parsed = AppProbes.parse("{\"/app-health/a/livez\":{\"httpGet\":{\"port\":" + appPort + "}}}");
    assertEquals(200, endpoint(parsed, loopback).handleAsync("/app-health/a/livez", HttpMethod.GET, headers(null))
        .toCompletableFuture().join().status().code());
    assertEquals("/", seen.get(1).split(" ")[0]);
  }

  @Test
  void theKubeletsHeadersAndHostArePassedOn() {
    HttpHeaders kubelet = headers("test.com:9999").add("Some-Header", "some-value").add("User-Agent", "kube-probe/1.30")
        .add(HttpHeaderNames.CONNECTION, "close");
    assertEquals(200, probe(httpGet("/header"), kubelet).status().code(), String.join("\n", seen));
  }

  @ParameterizedTest
  @ValueSource(ints = {200, 201, 202, 204, 206, 300, 301, 302, 303, 304, 305, 307, 308, 400, 401, 403, 404, 410,
      418, 429, 500, 501, 502, 503, 504})
  void statusCodesAreTheAppsAndRedirectsAre200(int code) {
    Reply reply = probe(httpGet("/status/" + code), headers(null));
    // The Location of 301..308 points at "/", which answers 200; 300, 304, 305 are not followed.
    int expected = code >= 300 && code < 400 ? 200 : code;
    assertEquals(expected, reply.status().code());
    assertEquals(code >= 400 ? 1 : 0, failures("/app-health/web/livez"));
  }

  @Test
  void redirectsAreFollowedOnTheSameHostAndNotOffIt() {
    assertEquals(200, probe(httpGet("/redirect"), headers(null)).status().code());
    assertEquals(List.of("/redirect", "/"), seen.stream().map(s -> s.split(" ")[0]).toList());
    assertEquals(200, probe(httpGet("/remote-redirect"), headers(null)).status().code());
  }

  @Test
  void aRedirectLoopFailsAfterTenRedirects() {
    assertEquals(500, probe(httpGet("/redirect-loop"), headers(null)).status().code());
    assertEquals(11, seen.size(), "the first request and 10 redirects");
    assertEquals(1, failures("/app-health/web/livez"));
  }

  @Test
  void aSlowAppFailsAtTheTimeout() {
    long start = System.nanoTime();
    assertEquals(500, probe(httpGet("/slow"), headers(null)).status().code());
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(tookMillis >= 900 && tookMillis < 2500, tookMillis + " ms");
    assertEquals(1, failures("/app-health/web/livez"));
  }

  @Test
  void anAppThatIsDownFailsTheProbe() throws Exception {
    int closed = freePort();
    Reply reply = probe(Map.of("/app-health/web/livez", new AppProbe.HttpGet(closed, "/", false, ONE_SECOND)),
        "/app-health/web/livez", headers(null));
    assertEquals(500, reply.status().code());
    assertEquals(1, failures("/app-health/web/livez"));
  }

  @Test
  void anHttpsProbeDoesNotVerifyTheCertificate(@TempDir Path dir) throws Exception {
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
        "-keyout", key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=nobody.example")
        .redirectErrorStream(true).start();
    openssl.getInputStream().readAllBytes();
    assertEquals(0, openssl.waitFor());
    var tls = SslContextBuilder.forServer(cert.toFile(), key.toFile()).build();
    Channel server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(tls.newHandler(ch.alloc()), new HttpServerCodec(), new HttpObjectAggregator(1024),
                new SimpleChannelInboundHandler<FullHttpRequest>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                    var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.copiedBuffer("secure " + request.uri(), StandardCharsets.UTF_8));
                    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
                    ctx.writeAndFlush(response);
                  }
                });
          }
        }).bind("127.0.0.1", 0).sync().channel();
    try {
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      Reply reply = probe(Map.of("/app-health/web/readyz", new AppProbe.HttpGet(port, "/hello/sunnyvale", true, ONE_SECOND)),
          "/app-health/web/readyz", headers(null));
      assertEquals(200, reply.status().code());
      assertEquals("secure /hello/sunnyvale", reply.body());
    } finally {
      server.close().sync();
    }
  }

  @Test
  void aTcpProbeSucceedsWhenTheConnectionOpensAndFailsWhenRefused() throws Exception {
    try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Map<String, AppProbe> probes = Map.of(
          "/app-health/web/livez", new AppProbe.TcpSocket(listening.getLocalPort(), ONE_SECOND),
          "/app-health/web/readyz", new AppProbe.TcpSocket(freePort(), ONE_SECOND));
      AppProbeEndpoint endpoint = endpoint(new AppProbes(probes), loopback);
      assertEquals(200, call(endpoint, "/app-health/web/livez").status().code());
      assertEquals(500, call(endpoint, "/app-health/web/readyz").status().code());
      assertEquals(0, endpoint.failures("/app-health/web/livez"));
      assertEquals(1, endpoint.failures("/app-health/web/readyz"));
    }
  }

  @Test
  void aPortForwardedOverLoopbackIsProbedOnLocalhostTheOthersOnThePodIp() throws Exception {
    // The "pod IP" is 127.0.0.2, where nothing listens: the app listens on 127.0.0.1 (lo) only.
    ProbeTargets targets = ProbeTargets.fromEnvironment(Map.of("INSTANCE_IP", "127.0.0.2"),
        dev.outrigger.core.inbound.LocalhostInboundPorts.NONE);
    try (ServerSocket loOnly = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Map<String, AppProbe> probes = Map.of(
          "/app-health/web/livez", new AppProbe.TcpSocket(loOnly.getLocalPort(), ONE_SECOND));
      assertEquals(500, call(endpoint(new AppProbes(probes), targets), "/app-health/web/livez").status().code(),
          "probed on the pod IP, where the lo-bound app is not");
      ProbeTargets withLoopbackPort = ProbeTargets.fromEnvironment(Map.of("INSTANCE_IP", "127.0.0.2"),
          dev.outrigger.core.inbound.LocalhostInboundPorts.parse(Integer.toString(loOnly.getLocalPort())));
      assertEquals(200, call(endpoint(new AppProbes(probes), withLoopbackPort), "/app-health/web/livez").status().code(),
          "OUTRIGGER_LOCALHOST_INBOUND_PORTS: probed on localhost, as the proxy forwards the port");
    }
  }

  @Test
  void aGrpcProbeChecksTheHealthServiceAndSucceedsOnlyWhenServing() throws Exception {
    ServerServiceDefinition health = ServerServiceDefinition.builder("grpc.health.v1.Health")
        .addMethod(GrpcHealthProber.CHECK, ServerCalls.asyncUnaryCall((service, responses) -> {
          seen.add("check '" + service + "'");
          responses.onNext(service.isEmpty() ? GrpcHealthProber.SERVING : 2 /* NOT_SERVING */);
          responses.onCompleted();
        })).build();
    Server withHealth = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(health).build().start();
    Server withoutHealth = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).build().start();
    try {
      AppProbeEndpoint endpoint = endpoint(new AppProbes(Map.of(
          "/app-health/grpc/livez", new AppProbe.Grpc(withHealth.getPort(), "", ONE_SECOND),
          "/app-health/grpc/readyz", new AppProbe.Grpc(withHealth.getPort(), "orders", ONE_SECOND),
          "/app-health/grpc/startupz", new AppProbe.Grpc(withoutHealth.getPort(), "", ONE_SECOND),
          "/app-lifecycle/grpc/prestopz", new AppProbe.Grpc(freePort(), "", ONE_SECOND))), loopback);
      assertEquals(200, call(endpoint, "/app-health/grpc/livez").status().code());
      assertEquals(500, call(endpoint, "/app-health/grpc/readyz").status().code());
      assertEquals(500, call(endpoint, "/app-health/grpc/startupz").status().code(), "UNIMPLEMENTED");
      assertEquals(500, call(endpoint, "/app-lifecycle/grpc/prestopz").status().code(), "UNAVAILABLE");
      assertEquals(List.of("check ''", "check 'orders'"), seen);
      assertEquals(0, endpoint.failures("/app-health/grpc/livez"));
      assertEquals(1, endpoint.failures("/app-health/grpc/readyz"));
      assertEquals(1, endpoint.failures("/app-health/grpc/startupz"));
      assertEquals(1, endpoint.failures("/app-lifecycle/grpc/prestopz"));
    } finally {
      withHealth.shutdownNow();
      withoutHealth.shutdownNow();
    }
  }

  @Test
  void aPathWithoutAProbeIs400AsInIstio() {
    AppProbeEndpoint endpoint = endpoint(new AppProbes(Map.of("/app-health/web/livez", httpGet("/"))), loopback);
    Reply reply = call(endpoint, "/app-health/other/livez");
    assertEquals(400, reply.status().code());
    assertEquals("app prober config does not exists for /app-health/other/livez", reply.body());
    assertEquals(1, endpoint.failures(AppProbeEndpoint.UNKNOWN));
  }

  @Test
  void theHostKeepsItsPortUnlessItIsTheAgentsPort() {
    AppProbeEndpoint endpoint = endpoint(AppProbes.NONE, loopback);
    assertEquals("10.0.0.5:8080", endpoint.hostHeader("10.0.0.5:15020", 8080));
    assertEquals("test.com:9999", endpoint.hostHeader("test.com:9999", 8080));
    assertEquals("test.com", endpoint.hostHeader("test.com", 8080));
    assertEquals("[fd00::5]:8080", endpoint.hostHeader("[fd00::5]:15020", 8080));
    assertEquals("[fd00::5]", endpoint.hostHeader("[fd00::5]", 8080));
    assertEquals(null, endpoint.hostHeader(null, 8080));
  }

  private AppProbe.HttpGet httpGet(String path) {
    return new AppProbe.HttpGet(appPort, path, false, ONE_SECOND);
  }

  private Reply probe(AppProbe probe, HttpHeaders kubelet) {
    return probe(Map.of("/app-health/web/livez", probe), "/app-health/web/livez", kubelet);
  }

  private AppProbeEndpoint lastEndpoint;

  private Reply probe(Map<String, AppProbe> probes, String path, HttpHeaders kubelet) {
    lastEndpoint = endpoint(new AppProbes(probes), loopback);
    return lastEndpoint.handleAsync(path, HttpMethod.GET, kubelet).toCompletableFuture().join();
  }

  private long failures(String path) {
    return lastEndpoint.failures(path);
  }

  private AppProbeEndpoint endpoint(AppProbes probes, ProbeTarget target) {
    return endpoint(probes, ProbeTargets.only(target));
  }

  private AppProbeEndpoint endpoint(AppProbes probes, ProbeTargets targets) {
    return new AppProbeEndpoint(probes, targets, () -> AGENT_PORT, group, new PrometheusRegistry());
  }

  private static Reply call(AppProbeEndpoint endpoint, String path) {
    return endpoint.handleAsync(path, HttpMethod.GET, headers(null)).toCompletableFuture().join();
  }

  private static HttpHeaders headers(String host) {
    HttpHeaders headers = new DefaultHttpHeaders();
    if (host != null) {
      headers.set(HttpHeaderNames.HOST, host);
    }
    return headers;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
