package dev.outrigger.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.core.Direction;
import dev.outrigger.core.route.Upstream;
import dev.outrigger.core.route.table.RetryPolicy;
import dev.outrigger.core.stats.Counter;
import dev.outrigger.core.stats.ListenerStats;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The retry decisions and back-off of Envoy's RetryStateImpl, for the policies istiod writes. */
class RetryStateTest {
  /** What istiod writes for a route without a VirtualService retry policy. */
  private static final RetryPolicy ISTIO_DEFAULT = new RetryPolicy(
      Set.of("connect-failure", "refused-stream", "unavailable", "cancelled", "retriable-status-codes"), 2, Duration.ZERO,
      Set.of(503));
  private static final HttpHeaders NONE = new DefaultHttpHeaders();
  private final ListenerStats stats = new ListenerStats(Direction.OUTBOUND);
  private final RecordingTarget target = new RecordingTarget(Upstream.direct(new InetSocketAddress("10.0.0.1", 80)));

  private RetryState state(RetryPolicy policy) {
    return new RetryState(policy, target, stats, bound -> bound - 1); // the longest wait each time
  }

  @Test
  void istiosDefaultRetries503ConnectFailuresRefusedStreamsAndGrpcUnavailableOnly() {
    assertEquals(RetryState.Decision.RETRY, state(ISTIO_DEFAULT).onResponse(503, NONE));
    assertEquals(RetryState.Decision.NO, state(ISTIO_DEFAULT).onResponse(500, NONE));
    assertEquals(RetryState.Decision.NO, state(ISTIO_DEFAULT).onResponse(502, NONE));
    assertEquals(RetryState.Decision.RETRY,
        state(ISTIO_DEFAULT).onResponse(200, new DefaultHttpHeaders().add("grpc-status", "14")));
    assertEquals(RetryState.Decision.NO,
        state(ISTIO_DEFAULT).onResponse(200, new DefaultHttpHeaders().add("grpc-status", "2")));
    assertEquals(RetryState.Decision.RETRY, state(ISTIO_DEFAULT).onReset(RetryState.Reset.CONNECT_FAILURE, false, true));
    assertEquals(RetryState.Decision.RETRY, state(ISTIO_DEFAULT).onReset(RetryState.Reset.REFUSED_STREAM, true, true));
    assertEquals(RetryState.Decision.NO, state(ISTIO_DEFAULT).onReset(RetryState.Reset.CONNECTION_TERMINATION, true, true));
    assertEquals(RetryState.Decision.NO, state(ISTIO_DEFAULT).onReset(RetryState.Reset.LOCAL_RESET, true, true));
  }

  @Test
  void fiveXxAndGatewayErrorAlsoTakeResetsAsEnvoyDoes() {
    RetryPolicy gateway = new RetryPolicy(Set.of("gateway-error"), 1, Duration.ZERO, Set.of());
    assertEquals(RetryState.Decision.RETRY, state(gateway).onReset(RetryState.Reset.CONNECTION_TERMINATION, true, false));
    assertEquals(RetryState.Decision.RETRY, state(gateway).onResponse(504, NONE));
    assertEquals(RetryState.Decision.NO, state(gateway).onResponse(500, NONE));
    RetryPolicy beforeRequest = new RetryPolicy(Set.of("reset-before-request"), 1, Duration.ZERO, Set.of());
    assertEquals(RetryState.Decision.RETRY, state(beforeRequest).onReset(RetryState.Reset.REMOTE_RESET, false, false));
    assertEquals(RetryState.Decision.NO, state(beforeRequest).onReset(RetryState.Reset.REMOTE_RESET, true, false));
  }

  @Test
  void retriesAreCountedDownThenTheLimitIsSaid() {
    RetryState s = state(ISTIO_DEFAULT);
    assertEquals(RetryState.Decision.RETRY, s.onResponse(503, NONE));
    assertEquals(RetryState.Decision.RETRY, s.onResponse(503, NONE));
    assertEquals(RetryState.Decision.LIMIT_EXCEEDED, s.onResponse(503, NONE));
    assertEquals(2, stats.get(Counter.UPSTREAM_RQ_RETRY));
    assertEquals(1, stats.get(Counter.UPSTREAM_RQ_RETRY_LIMIT_EXCEEDED));
    assertEquals(0, target.retriesHeld.get(), "each retry's slot is given back at the next decision");
  }

  @Test
  void theClustersMaxRetriesIsAnOverflow() {
    target.maxRetries = 0;
    assertEquals(RetryState.Decision.OVERFLOW, state(ISTIO_DEFAULT).onResponse(503, NONE));
    assertEquals(1, stats.get(Counter.UPSTREAM_RQ_RETRY_OVERFLOW));
  }

  @Test
  void theBackOffIsFullyJitteredAndDoublesFrom25MsUpTo250Ms() {
    RetryState s = state(new RetryPolicy(Set.of("5xx"), 10, Duration.ZERO, Set.of()));
    List<Long> longest = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      longest.add(s.backoffMillis());
    }
    assertEquals(List.of(24L, 49L, 99L, 199L, 249L, 249L), longest);
  }

  @Test
  void withoutAPolicyOnlyAnUnsentBodilessRequestIsResentAtOnceTwice() {
    RetryState s = state(RetryPolicy.NONE);
    assertEquals(RetryState.Decision.NO, s.onResponse(503, NONE));
    assertEquals(RetryState.Decision.NO, s.onReset(RetryState.Reset.CONNECT_FAILURE, false, true));
    assertEquals(RetryState.Decision.NO, s.onReset(RetryState.Reset.CONNECTION_TERMINATION, true, true));
    assertEquals(RetryState.Decision.NO, s.onReset(RetryState.Reset.CONNECTION_TERMINATION, false, false));
    assertEquals(RetryState.Decision.RETRY, s.onReset(RetryState.Reset.CONNECTION_TERMINATION, false, true));
    assertEquals(0, s.backoffMillis());
    assertEquals(RetryState.Decision.RETRY, s.onReset(RetryState.Reset.REMOTE_RESET, false, true));
    assertEquals(RetryState.Decision.NO, s.onReset(RetryState.Reset.REMOTE_RESET, false, true), "no URX for passthrough");
  }
}
