package dev.outrigger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.it.apps.Ncat;
import dev.outrigger.it.apps.ToolServer;
import dev.outrigger.it.apps.tool.ServerBehaviour;
import dev.outrigger.it.harness.BackgroundProcess;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.harness.Waits;
import dev.outrigger.it.sidecar.InboundMode;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.sidecar.SidecarSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM, as the kubelet sends it: the sidecar reports 503 and drains as Istio does
 * ({@code drain_listeners?inboundonly&graceful}): its listeners keep accepting (Envoy stops them only
 * after --drain-time-s, Istio's 45 s drainDuration, longer than the 5 s termination drain), raw
 * connections go on, and whatever is open at the end of the drain duration is closed; exit 0.
 */
class GracefulDrainIT extends PodNetworkTestBase {
  private static final int PORT = 9300;
  private static final Duration DRAIN = Duration.ofSeconds(3);
  /** JVM shutdown and scheduling on a busy two-core CI machine. */
  private static final Duration EXIT_MARGIN = Duration.ofSeconds(5);

  private Pod client;

  @Override
  protected String networkName() {
    return "drain";
  }

  @BeforeAll
  void startClient() {
    client = network.addPod("client");
  }

  @Test
  void openConnectionCompletesAndNewOnesAreStillServedWhileDraining() throws IOException {
    Sidecar sidecar = serverWithSidecar("server-finishing");
    BackgroundProcess open = openConnection(sidecar.pod());

    long terminatedAt = System.nanoTime();
    sidecar.terminate();

    Waits.until("readiness 503 while draining", DRAIN, () -> sidecar.readiness() == 503);
    // Clients that have not yet seen the endpoint go (kube-proxy, other sidecars) still get served.
    assertEquals("received 5 bytes", Ncat.ping(client, sidecar.pod().ip(), PORT).printed().strip(),
        "a new connection while draining");

    open.stdin().write("ping\n".getBytes(StandardCharsets.US_ASCII));
    open.closeStdin();
    assertEquals(0, open.awaitExit(DRAIN), open.describeOutput());
    assertEquals(List.of("received 5 bytes"), open.stdoutLines(), "the open connection's reply");

    assertEquals(0, sidecar.awaitExit(DRAIN.plus(EXIT_MARGIN)), sidecar.process().describeOutput());
    assertTrue(elapsed(terminatedAt).compareTo(DRAIN.plus(EXIT_MARGIN)) <= 0, "exited after " + elapsed(terminatedAt));
  }

  @Test
  void connectionStillOpenAtTheEndOfTheDrainDoesNotKeepTheProxyAlive() {
    Sidecar sidecar = serverWithSidecar("server-stuck");
    openConnection(sidecar.pod());

    long terminatedAt = System.nanoTime();
    sidecar.terminate();

    assertEquals(0, sidecar.awaitExit(DRAIN.plus(EXIT_MARGIN)), sidecar.process().describeOutput());
    Duration ranFor = elapsed(terminatedAt);
    assertTrue(ranFor.compareTo(DRAIN.minusMillis(500)) >= 0, "exited after only " + ranFor + ", before the drain ended");
  }

  private Sidecar serverWithSidecar(String name) {
    Pod server = network.addPod(name);
    ToolServer.start(server, ServerBehaviour.REPLY_AFTER_EOF, server.ip(), PORT);
    return Sidecar.inject(server, SidecarSettings.inboundMode(InboundMode.PRESERVE)
        .with(SidecarSettings.DRAIN_DURATION, DRAIN.toSeconds() + "s"));
  }

  /** An ncat whose input stays open: the connection lasts until the test closes stdin. */
  private BackgroundProcess openConnection(Pod server) {
    BackgroundProcess open = client.start("open-connection",
        List.of("ncat", "-v", server.ip(), String.valueOf(PORT)));
    open.awaitStderrLine("'Connected'", Duration.ofSeconds(10), line -> line.startsWith("Ncat: Connected to"));
    return open;
  }

  private static Duration elapsed(long sinceNanos) {
    return Duration.ofNanos(System.nanoTime() - sinceNanos);
  }
}
