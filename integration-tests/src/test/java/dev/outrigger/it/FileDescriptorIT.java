package dev.outrigger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.it.apps.ToolJvm;
import dev.outrigger.it.apps.ToolServer;
import dev.outrigger.it.apps.tool.ServerBehaviour;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.harness.WaitTimeoutException;
import dev.outrigger.it.harness.Waits;
import dev.outrigger.it.sidecar.InboundMode;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.sidecar.SidecarSettings;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** 1,000 sequential connections through both sidecars leave no file descriptor behind in either proxy. */
class FileDescriptorIT extends PodNetworkTestBase {
  private static final int PORT = 9200;
  private static final int WARM_UP = 50;
  private static final int CONNECTIONS = 1000;
  /** Room for descriptors the JVM opens lazily (a jar, an epoll instance); a leak would be hundreds. */
  private static final long SLACK = 8;

  private Pod server;
  private Sidecar clientSidecar;
  private Sidecar serverSidecar;

  @Override
  protected String networkName() {
    return "fds";
  }

  @BeforeAll
  void startPods() {
    clientSidecar = Sidecar.inject(network.addPod("client"), SidecarSettings.inboundMode(InboundMode.PRESERVE));
    server = network.addPod("server");
    ToolServer.start(server, ServerBehaviour.PONG, server.ip(), PORT);
    serverSidecar = Sidecar.inject(server, SidecarSettings.inboundMode(InboundMode.PRESERVE));
  }

  @Test
  void sequentialConnectionsLeaveNoDescriptorsBehind() {
    // Warm up first, so classes, buffers and selectors created on first use are counted as baseline.
    connect(WARM_UP);
    awaitIdle();
    long clientBefore = clientSidecar.openFileDescriptors();
    long serverBefore = serverSidecar.openFileDescriptors();
    long outboundTotalBefore = clientSidecar.stats().outbound("downstream_cx_total");
    long inboundTotalBefore = serverSidecar.stats().inbound("downstream_cx_total");

    connect(CONNECTIONS);
    awaitIdle();

    assertEquals(outboundTotalBefore + CONNECTIONS, clientSidecar.stats().outbound("downstream_cx_total"));
    assertEquals(inboundTotalBefore + CONNECTIONS, serverSidecar.stats().inbound("downstream_cx_total"));
    assertNoLeak("client sidecar", clientSidecar, clientBefore);
    assertNoLeak("server sidecar", serverSidecar, serverBefore);
  }

  private void connect(int count) {
    CommandResult result = ToolJvm.run(clientSidecar.pod(), Duration.ofMinutes(3),
        "connect-loop", server.ip(), String.valueOf(PORT), String.valueOf(count));
    assertEquals("ok " + count + " failed 0", result.printed(), result.describe());
  }

  private void awaitIdle() {
    Waits.until("both sidecars without active connections", Duration.ofSeconds(20),
        () -> clientSidecar.stats().outbound("downstream_cx_active") == 0
            && serverSidecar.stats().inbound("downstream_cx_active") == 0);
  }

  /** Closing is asynchronous in the proxy, so the count may take a moment to settle. */
  private static void assertNoLeak(String which, Sidecar sidecar, long before) {
    try {
      Waits.until(which + " back to " + before + " + " + SLACK + " descriptors", Duration.ofSeconds(10),
          () -> sidecar.openFileDescriptors() <= before + SLACK);
    } catch (WaitTimeoutException e) {
      assertEquals(before, sidecar.openFileDescriptors(), which + " leaked file descriptors after "
          + CONNECTIONS + " connections");
    }
  }
}
