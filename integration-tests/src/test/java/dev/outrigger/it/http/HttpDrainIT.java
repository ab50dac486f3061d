package dev.outrigger.it.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.it.PodNetworkTestBase;
import dev.outrigger.it.apps.Curl;
import dev.outrigger.it.apps.ToolJvm;
import dev.outrigger.it.apps.ToolServer;
import dev.outrigger.it.harness.BackgroundProcess;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.harness.Waits;
import dev.outrigger.it.sidecar.InboundMode;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.sidecar.SidecarSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM on a server's sidecar while a client behind its own sidecar sends slow requests, as
 * Istio drains it: inbound connections are told to finish (Connection: close; keep-alives still
 * idle at the end of Envoy's 5 s drain timeout closed), the inbound listener still accepts, the
 * app's own outbound calls keep working, and with EXIT_ON_ZERO_ACTIVE_CONNECTIONS the proxy exits
 * once nothing is open.
 */
class HttpDrainIT extends PodNetworkTestBase {
  private static final int PORT = 9400;
  private static final int OUTSIDE_PORT = 9401;
  /** JVM shutdown and scheduling on a busy two-core CI machine. */
  private static final Duration EXIT_MARGIN = Duration.ofSeconds(5);

  private Pod client;
  private Sidecar clientSidecar;
  private Pod outside;

  @Override
  protected String networkName() {
    return "hdrain";
  }

  @BeforeAll
  void startClientAndOutside() {
    client = network.addPod("client");
    clientSidecar = Sidecar.inject(client, SidecarSettings.inboundMode(InboundMode.PRESERVE));
    outside = network.addPod("outside");
    ToolServer.startHttpApp(outside, outside.ip(), OUTSIDE_PORT);
  }

  @Test
  void slowRequestsOnKeepAliveConnectionsAllSucceedWhileTheServerDrains() {
    Duration drain = Duration.ofSeconds(8);
    Sidecar server = serverWithSidecar("server-load", SidecarSettings.inboundMode(InboundMode.PRESERVE)
        .with(SidecarSettings.DRAIN_DURATION, drain.toSeconds() + "s"));
    // Keep-alive connections sending 200 ms requests back to back, through the drain...
    BackgroundProcess steady = ToolJvm.start(client, "steady-load", "http-load", server.pod().ip(),
        String.valueOf(PORT), "/slow/200", "2", "0", "5000");
    steady.awaitStdoutLine("'started'", Duration.ofSeconds(30), "started"::equals);

    long terminatedAt = System.nanoTime();
    server.terminate();

    Waits.until("readiness 503 while draining", drain, () -> server.readiness() == 503);
    // ...and more of them once it started, for which the client's sidecar must open new
    // connections to the draining server (as clients that have not yet seen the endpoint go do).
    BackgroundProcess more = ToolJvm.start(client, "more-load", "http-load", server.pod().ip(),
        String.valueOf(PORT), "/slow/200", "6", "100", "2500");
    CommandResult outbound = Curl.get(server.pod(), "http://" + outside.ip() + ":" + OUTSIDE_PORT + "/during-drain");
    for (BackgroundProcess load : List.of(steady, more)) {
      int exit = load.awaitExit(Duration.ofSeconds(30));
      assertEquals(0, exit, () -> load.describeOutput() + "\n--- client sidecar ---\n"
          + String.join("\n", clientSidecar.flushedAccessLog()) + "\n--- server sidecar ---\n"
          + server.process().describeOutput());
    }
    long drainClosed = server.stats().inbound("downstream_cx_drain_close");

    assertTrue(outbound.succeeded(), "the app's own call during its shutdown: " + outbound.describe());
    assertTrue(drainClosed > 0, "no inbound connection was drained");
    assertEquals(0, server.awaitExit(drain.plus(EXIT_MARGIN)), server.process().describeOutput());
    Duration ranFor = elapsed(terminatedAt);
    assertTrue(ranFor.compareTo(drain.minusMillis(500)) >= 0, "exited after only " + ranFor + ", before the drain ended");
  }

  @Test
  void exitOnZeroActiveConnectionsExitsOnceTheDrainedKeepAliveIsClosed() {
    Duration drain = Duration.ofSeconds(30);
    Duration minimum = Duration.ofSeconds(1);
    Sidecar server = serverWithSidecar("server-zero", SidecarSettings.inboundMode(InboundMode.PRESERVE)
        .with(SidecarSettings.DRAIN_DURATION, drain.toSeconds() + "s")
        .with(SidecarSettings.EXIT_ON_ZERO_ACTIVE_CONNECTIONS, "true")
        .with(SidecarSettings.MINIMUM_DRAIN_DURATION, minimum.toSeconds() + "s"));
    // The client's sidecar keeps its connection to the server's sidecar open in its pool.
    Curl.get(client, "http://" + server.pod().ip() + ":" + PORT + "/").requireSuccess();
    assertEquals(1, server.stats().inbound("downstream_cx_active"), "the pooled keep-alive is open");

    long terminatedAt = System.nanoTime();
    server.terminate();

    // The idle keep-alive is closed at the end of the 5 s drain timeout, well before the 30 s.
    assertEquals(0, server.awaitExit(Duration.ofSeconds(15)), server.process().describeOutput());
    Duration ranFor = elapsed(terminatedAt);
    assertTrue(ranFor.compareTo(minimum) >= 0, "exited after " + ranFor + ", before MINIMUM_DRAIN_DURATION");
  }

  private Sidecar serverWithSidecar(String name, SidecarSettings settings) {
    Pod server = network.addPod(name);
    ToolServer.startHttpApp(server, server.ip(), PORT);
    return Sidecar.inject(server, settings);
  }

  private static Duration elapsed(long sinceNanos) {
    return Duration.ofNanos(System.nanoTime() - sinceNanos);
  }
}
