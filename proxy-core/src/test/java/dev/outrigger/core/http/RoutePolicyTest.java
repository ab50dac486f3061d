package dev.outrigger.core.http;

import dev.outrigger.core.net.OriginalDestination;
import static dev.outrigger.core.http.HttpProxyTest.send;
import static dev.outrigger.core.http.HttpProxyTest.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.Direction;
import dev.outrigger.core.config.InboundMode;
import dev.outrigger.core.relay.ProxyFixture;
import dev.outrigger.core.route.ConnectionPlan;
import dev.outrigger.core.route.HttpRouting;
import dev.outrigger.core.route.RouteDecision;
import dev.outrigger.core.route.Router;
import dev.outrigger.core.route.Upstream;
import dev.outrigger.core.route.listener.ConnectionFacts;
import dev.outrigger.core.route.table.FaultPolicy;
import dev.outrigger.core.route.table.HeaderMutations;
import dev.outrigger.core.route.table.RetryPolicy;
import dev.outrigger.core.stats.Counter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A route's policies applied to HTTP/1.1 requests as Envoy's router applies them: retries by
 * retry_on with a new pick each, the per-try and route timeouts, the cluster's request limit, fault
 * injection and header changes. A test router hands every request the decision under test; the
 * upstreams are real sockets whose answers each test scripts.
 */
class RoutePolicyTest {
  private static final String CLUSTER = "outbound|80||svc.default.svc.cluster.local";
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    proxy = new ProxyFixture(InboundMode.PRESERVE, Duration.ofSeconds(5), Duration.ofHours(1), HttpSettings.defaults());
  }

  @AfterEach
  void stop() {
    proxy.close();
  }

  private static RetryPolicy retryOn(String conditions, int retries) {
    return new RetryPolicy(Set.of(conditions.split(",")), retries, Duration.ZERO, Set.of());
  }

  /** Every request of the next outbound connections goes as {@code decision} says. */
  private void route(RouteDecision decision) {
    proxy.destination.set(decision.upstream().address());
    proxy.server.routeWith(Direction.OUTBOUND, new Router() {
      @Override
      public boolean detectsProtocol(OriginalDestination originalDestination) {
        return true;
      }

      @Override
      public ConnectionPlan plan(ConnectionFacts facts) {
        return new ConnectionPlan.Http(request -> new HttpRouting.Forward(decision));
      }
    });
  }

  private static RouteDecision decision(RecordingTarget target, Upstream first, Duration timeout, RetryPolicy retry,
      FaultPolicy fault, HeaderMutations headers) {
    return new RouteDecision(CLUSTER, first, target, "r1", timeout, retry, fault, headers);
  }

  private static Upstream at(ScriptedApp app) {
    return Upstream.direct(app.address());
  }

  private RawHttp get(String path) throws Exception {
    try (Socket s = proxy.connect(Direction.OUTBOUND)) {
      send(s, "GET " + path + " HTTP/1.1\r\nHost: svc\r\n\r\n");
      return RawHttp.read(s.getInputStream());
    }
  }

  private String accessLine() throws InterruptedException {
    return single(proxy.awaitIdleAndAccessLines());
  }

  private long counter(Counter c) {
    return proxy.counter(Direction.OUTBOUND, c);
  }

  @Test
  void a5xxIsRetriedOnANewPickWithTheAttemptCountAndTheOutcomesTold() throws Exception {
    try (ScriptedApp first = new ScriptedApp(ScriptedApp.respond(503, "busy"));
        ScriptedApp second = new ScriptedApp()) {
      RecordingTarget target = new RecordingTarget(at(second));
      route(decision(target, at(first), Duration.ZERO, retryOn("5xx", 2), FaultPolicy.NONE, HeaderMutations.NONE));

      RawHttp r = get("/x");

      assertEquals(200, r.status, r.bodyText());
      assertEquals("ok", r.bodyText());
      String line = accessLine();
      assertTrue(line.contains("\"GET /x HTTP/1.1\" 200 - via_upstream "), line);
      assertEquals("1", first.seen.get(0).header("x-envoy-attempt-count"));
      assertEquals("2", second.seen.get(0).header("x-envoy-attempt-count"));
      int p1 = first.address().getPort();
      int p2 = second.address().getPort();
      assertEquals(List.of("started " + p1, "ended " + p1 + " 503", "pick " + p2, "started " + p2, "ended " + p2 + " 200"),
          target.events);
      assertEquals(1, counter(Counter.UPSTREAM_RQ_RETRY));
      assertEquals(1, target.requestsStarted.get());
      assertEquals(1, target.requestsDone.get(), "the request limit is given back exactly once");
      assertEquals(0, target.retriesHeld.get(), "the retry slot is given back");
    }
  }

  @Test
  void whenRetriesAreUsedUpTheLastAnswerPassesWithUrx() throws Exception {
    try (ScriptedApp app = new ScriptedApp(ScriptedApp.respond(503, "one"), ScriptedApp.respond(503, "two"),
        ScriptedApp.respond(502, "three"))) {
      RecordingTarget target = new RecordingTarget(at(app));
      route(decision(target, at(app), Duration.ZERO, retryOn("gateway-error", 2), FaultPolicy.NONE, HeaderMutations.NONE));

      RawHttp r = get("/x");

      assertEquals(502, r.status);
      assertEquals("three", r.bodyText(), "the last attempt's own answer");
      assertTrue(accessLine().contains(" 502 URX via_upstream "));
      assertEquals(3, app.seen.size());
      assertEquals(2, counter(Counter.UPSTREAM_RQ_RETRY));
      assertEquals(1, counter(Counter.UPSTREAM_RQ_RETRY_LIMIT_EXCEEDED));
    }
  }

  @Test
  void retriableStatusCodesAndRetriable4xxAreRetriedAndOtherCodesPassAsTheyAre() throws Exception {
    try (ScriptedApp app = new ScriptedApp(ScriptedApp.respond(418, "teapot"), ScriptedApp.respond(409, "conflict"),
        ScriptedApp.respond(500, "broken"))) {
      RecordingTarget target = new RecordingTarget(at(app));
      RetryPolicy policy = new RetryPolicy(Set.of("retriable-status-codes", "retriable-4xx"), 5, Duration.ZERO, Set.of(418));
      route(decision(target, at(app), Duration.ZERO, policy, FaultPolicy.NONE, HeaderMutations.NONE));

      RawHttp r = get("/x");

      assertEquals(500, r.status, "500 is not among the conditions");
      assertTrue(accessLine().contains(" 500 - via_upstream "));
      assertEquals(3, app.seen.size());
    }
  }

  @Test
  void aConnectFailureIsRetriedElsewhereAndToldAsStatusZero() throws Exception {
    int refused;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      refused = closed.getLocalPort();
    }
    try (ScriptedApp app = new ScriptedApp()) {
      RecordingTarget target = new RecordingTarget(at(app));
      Upstream dead = Upstream.direct(new InetSocketAddress(InetAddress.getLoopbackAddress(), refused));
      route(decision(target, dead, Duration.ZERO, retryOn("connect-failure", 1), FaultPolicy.NONE, HeaderMutations.NONE));

      assertEquals(200, get("/x").status);
      assertTrue(accessLine().contains(" 200 - via_upstream "));
      assertTrue(target.events.contains("ended " + refused + " 0"), target.events.toString());
      assertEquals("2", app.seen.get(0).header("x-envoy-attempt-count"));
      assertEquals(1, counter(Counter.UPSTREAM_CX_CONNECT_FAIL));
    }
  }

  @Test
  void aConnectFailureWithoutARetryConditionIs503UfAndAfterRetriesSaysSo() throws Exception {
    int refused;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      refused = closed.getLocalPort();
    }
    Upstream dead = Upstream.direct(new InetSocketAddress(InetAddress.getLoopbackAddress(), refused));
    route(decision(new RecordingTarget(dead), dead, Duration.ZERO, retryOn("connect-failure", 1), FaultPolicy.NONE,
        HeaderMutations.NONE));

    RawHttp r = get("/x");

    assertEquals(503, r.status);
    assertEquals("upstream connect error or disconnect/reset before headers. retried and the latest reset reason: "
        + "connection failure", r.bodyText());
    assertTrue(accessLine().contains(" 503 UF,URX upstream_reset_before_response_started{connection_failure} "));
  }

  @Test
  void anUnparsableAnswerIsRetriedAsAReset() throws Exception {
    try (ScriptedApp app = new ScriptedApp(ScriptedApp.garbage())) {
      route(decision(new RecordingTarget(at(app)), at(app), Duration.ZERO, retryOn("reset", 1), FaultPolicy.NONE,
          HeaderMutations.NONE));

      assertEquals(200, get("/x").status);
      assertTrue(accessLine().contains(" 200 - via_upstream "));
      assertEquals(1, counter(Counter.UPSTREAM_CX_PROTOCOL_ERROR));
      assertEquals(2, app.seen.size());
    }
  }

  @Test
  void anAttemptPastItsPerTryTimeoutIsRetried() throws Exception {
    try (ScriptedApp app = new ScriptedApp(ScriptedApp.hang())) {
      RecordingTarget target = new RecordingTarget(at(app));
      RetryPolicy policy = new RetryPolicy(Set.of("5xx"), 1, Duration.ofMillis(300), Set.of());
      route(decision(target, at(app), Duration.ofSeconds(5), policy, FaultPolicy.NONE, HeaderMutations.NONE));

      assertEquals(200, get("/x").status);
      assertTrue(accessLine().contains(" 200 - via_upstream "));
      int port = app.address().getPort();
      assertTrue(target.events.contains("ended " + port + " 504"), target.events.toString());
      assertEquals(1, counter(Counter.UPSTREAM_RQ_PER_TRY_TIMEOUT));
      assertEquals(2, app.seen.size());
    }
  }

  @Test
  void aPerTryTimeoutWithNoRetryLeftIs504Ut() throws Exception {
    try (ScriptedApp app = new ScriptedApp(ScriptedApp.hang(), ScriptedApp.hang())) {
      RetryPolicy policy = new RetryPolicy(Set.of("5xx"), 1, Duration.ofMillis(200), Set.of());
      route(decision(new RecordingTarget(at(app)), at(app), Duration.ZERO, policy, FaultPolicy.NONE, HeaderMutations.NONE));

      RawHttp r = get("/x");

      assertEquals(504, r.status);
      assertEquals("upstream request timeout", r.bodyText());
      assertTrue(accessLine().contains(" 504 UT,URX upstream_per_try_timeout "));
      assertEquals(2, counter(Counter.UPSTREAM_RQ_PER_TRY_TIMEOUT));
    }
  }

  @Test
  void aPerTryTimeoutNoLongerAppliesOnceTheResponseHasStarted() throws Exception {
    try (ScriptedApp app = new ScriptedApp(ScriptedApp.slowBody(200, "late body", 600))) {
      RetryPolicy policy = new RetryPolicy(Set.of("5xx"), 1, Duration.ofMillis(200), Set.of());
      route(decision(new RecordingTarget(at(app)), at(app), Duration.ZERO, policy, FaultPolicy.NONE, HeaderMutations.NONE));

      RawHttp r = get("/x");

      assertEquals(200, r.status);
      assertEquals("late body", r.bodyText());
      assertTrue(accessLine().contains(" 200 - via_upstream "));
      assertEquals(0, counter(Counter.UPSTREAM_RQ_PER_TRY_TIMEOUT));
      assertEquals(1, app.seen.size());
    }
  }

  @Test
  void theRouteTimeoutComesFromTheDecision() throws Exception {
    try (ScriptedApp app = new ScriptedApp(ScriptedApp.hang())) {
      RecordingTarget target = new RecordingTarget();
      route(decision(target, at(app), Duration.ofMillis(300), RetryPolicy.NONE, FaultPolicy.NONE, HeaderMutations.NONE));

      long start = System.nanoTime();
      RawHttp r = get("/x");

      assertEquals(504, r.status);
      assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos());
      assertTrue(accessLine().contains(" 504 UT response_timeout "));
      int port = app.address().getPort();
      assertEquals(List.of("started " + port, "ended " + port + " 504"), target.events);
    }
  }

  @Test
  void aClusterAtItsRequestLimitAnswers503Uo() throws Exception {
    try (ScriptedApp app = new ScriptedApp()) {
      RecordingTarget target = new RecordingTarget();
      target.requestsAllowed = false;
      route(decision(target, at(app), Duration.ZERO, RetryPolicy.NONE, FaultPolicy.NONE, HeaderMutations.NONE));

      RawHttp r = get("/x");

      assertEquals(503, r.status);
      assertEquals("true", r.headers.get("x-envoy-overloaded"));
      assertEquals("upstream connect error or disconnect/reset before headers. reset reason: overflow", r.bodyText());
      assertTrue(accessLine().contains(" 503 UO upstream_reset_before_response_started{overflow} "));
      assertEquals(1, counter(Counter.UPSTREAM_RQ_PENDING_OVERFLOW));
      assertEquals(0, target.requestsDone.get(), "nothing was taken, so nothing is given back");
      assertTrue(app.seen.isEmpty());
    }
  }

  @Test
  void aRetryTheClustersMaxRetriesRefusesPassesTheAnswerWithUo() throws Exception {
    try (ScriptedApp app = new ScriptedApp(ScriptedApp.respond(503, "busy"))) {
      RecordingTarget target = new RecordingTarget();
      target.maxRetries = 0;
      route(decision(target, at(app), Duration.ZERO, retryOn("5xx", 2), FaultPolicy.NONE, HeaderMutations.NONE));

      assertEquals(503, get("/x").status);
      assertTrue(accessLine().contains(" 503 UO via_upstream "));
      assertEquals(1, counter(Counter.UPSTREAM_RQ_RETRY_OVERFLOW));
      assertEquals(0, counter(Counter.UPSTREAM_RQ_RETRY));
    }
  }

  @Test
  void anInjectedAbortAnswersWithItsStatusAndNeverRoutes() throws Exception {
    try (ScriptedApp app = new ScriptedApp()) {
      RecordingTarget target = new RecordingTarget();
      route(decision(target, at(app), Duration.ZERO, RetryPolicy.NONE, new FaultPolicy(Duration.ZERO, 0, 418, 100),
          HeaderMutations.NONE));

      RawHttp r = get("/x");

      assertEquals(418, r.status);
      assertEquals("fault filter abort", r.bodyText());
      assertTrue(accessLine().contains(" 418 FI fault_filter_abort "));
      assertEquals(1, counter(Counter.FAULT_ABORTS_INJECTED));
      assertTrue(app.seen.isEmpty());
      assertEquals(0, target.requestsStarted.get());
    }
  }

  @Test
  void anInjectedDelayHoldsTheRequestThenRoutesIt() throws Exception {
    try (ScriptedApp app = new ScriptedApp()) {
      route(decision(new RecordingTarget(), at(app), Duration.ofMillis(200), RetryPolicy.NONE,
          new FaultPolicy(Duration.ofMillis(400), 100, 0, 0), HeaderMutations.NONE));

      long start = System.nanoTime();
      RawHttp r = get("/x");

      assertEquals(200, r.status, "the route timeout runs from the end of the delay");
      assertTrue(System.nanoTime() - start >= Duration.ofMillis(400).toNanos());
      assertTrue(accessLine().contains(" 200 DI via_upstream "));
      assertEquals(1, counter(Counter.FAULT_DELAYS_INJECTED));
    }
  }

  @Test
  void noFaultIsInjectedAtZeroPercent() throws Exception {
    try (ScriptedApp app = new ScriptedApp()) {
      route(decision(new RecordingTarget(), at(app), Duration.ZERO, RetryPolicy.NONE,
          new FaultPolicy(Duration.ofSeconds(10), 0, 500, 0), HeaderMutations.NONE));

      assertEquals(200, get("/x").status);
      assertTrue(accessLine().contains(" 200 - via_upstream "));
    }
  }

  @Test
  void theRoutesHeaderChangesApplyBothWays() throws Exception {
    try (ScriptedApp app = new ScriptedApp()) {
      HeaderMutations headers = new HeaderMutations(
          List.of(new HeaderMutations.Header("x-set", "route", false), new HeaderMutations.Header("x-added", "route", true)),
          List.of("x-secret"),
          List.of(new HeaderMutations.Header("x-served-by", "route", false), new HeaderMutations.Header("x-extra", "1", true)),
          List.of("server"));
      route(decision(new RecordingTarget(), at(app), Duration.ZERO, RetryPolicy.NONE, FaultPolicy.NONE, headers));

      RawHttp r;
      try (Socket s = proxy.connect(Direction.OUTBOUND)) {
        send(s, "GET /x HTTP/1.1\r\nHost: svc\r\nx-set: client\r\nx-added: client\r\nx-secret: s3cret\r\n\r\n");
        r = RawHttp.read(s.getInputStream());
      }

      ScriptedApp.Seen seen = app.seen.get(0);
      assertEquals("route", seen.header("x-set"));
      assertEquals("client,route", seen.header("x-added"));
      assertNull(seen.header("x-secret"));
      assertEquals("route", r.headers.get("x-served-by"));
      assertEquals("1", r.headers.get("x-extra"));
      assertNull(r.headers.get("server"), "removed from the response");
      accessLine();
    }
  }

  @Test
  void aRequestBodyIsSentAgainWithTheRetry() throws Exception {
    try (ScriptedApp app = new ScriptedApp(ScriptedApp.respond(503, "busy"))) {
      route(decision(new RecordingTarget(at(app)), at(app), Duration.ZERO, retryOn("5xx", 1), FaultPolicy.NONE,
          HeaderMutations.NONE));

      RawHttp r;
      try (Socket s = proxy.connect(Direction.OUTBOUND)) {
        send(s, "POST /x HTTP/1.1\r\nHost: svc\r\nContent-Length: 5\r\n\r\nhello");
        r = RawHttp.read(s.getInputStream());
      }

      assertEquals(200, r.status);
      assertEquals(List.of("hello", "hello"), app.seen.stream().map(ScriptedApp.Seen::body).toList());
      accessLine();
    }
  }

  @Test
  void aBodyLargerThanWhatIsKeptIsNotRetried() throws Exception {
    try (ScriptedApp app = new ScriptedApp(ScriptedApp.respond(503, "busy"))) {
      route(decision(new RecordingTarget(), at(app), Duration.ZERO, retryOn("5xx", 1), FaultPolicy.NONE,
          HeaderMutations.NONE));
      int size = RequestBody.REPLAY_LIMIT + 1;

      RawHttp r;
      try (Socket s = proxy.connect(Direction.OUTBOUND)) {
        send(s, "POST /x HTTP/1.1\r\nHost: svc\r\nContent-Length: " + size + "\r\n\r\n" + "a".repeat(size));
        r = RawHttp.read(s.getInputStream());
      }

      assertEquals(503, r.status);
      assertTrue(accessLine().contains(" 503 - via_upstream "), "no retry, so no URX either");
      assertEquals(1, app.seen.size());
      assertEquals(1, counter(Counter.RETRY_OR_SHADOW_ABANDONED));
    }
  }

  @Test
  void passthroughDoesNotRetryAnAnswer() throws Exception {
    try (ScriptedApp app = new ScriptedApp(ScriptedApp.respond(503, "busy"))) {
      route(RouteDecision.to(CLUSTER, at(app)));

      assertEquals(503, get("/x").status);
      assertTrue(accessLine().contains(" 503 - via_upstream "));
      assertEquals(1, app.seen.size());
    }
  }
}
