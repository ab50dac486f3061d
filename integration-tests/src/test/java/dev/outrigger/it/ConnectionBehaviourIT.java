package dev.outrigger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.it.apps.Ncat;
import dev.outrigger.it.apps.ToolJvm;
import dev.outrigger.it.apps.ToolServer;
import dev.outrigger.it.apps.tool.ServerBehaviour;
import dev.outrigger.it.apps.tool.TcpTool;
import dev.outrigger.it.harness.BackgroundProcess;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.harness.Waits;
import dev.outrigger.it.sidecar.InboundMode;
import dev.outrigger.it.sidecar.ProxyStats;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.sidecar.SidecarSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TCP semantics a transparent proxy must keep: half-closes in both directions, resets passed
 * on as resets, and connections addressed to the proxy itself refused instead of looped.
 * Traffic crosses both sidecars (client pod with sidecar to server pod with sidecar) unless
 * a test says otherwise.
 */
class ConnectionBehaviourIT extends PodNetworkTestBase {
  private static final int REPLY_AFTER_EOF_PORT = 9001;
  private static final int CLOSE_FIRST_PORT = 9002;
  private static final int RESET_PORT = 9003;
  private static final int CLOSED_PORT = 9004;
  private static final Duration COUNTER_TIMEOUT = Duration.ofSeconds(10);

  private Pod plainClient;
  private Pod meshedClient;
  private Pod server;
  private Sidecar serverSidecar;
  private ToolServer closeFirst;

  @Override
  protected String networkName() {
    return "conn";
  }

  @BeforeAll
  void startPods() {
    plainClient = network.addPod("client");
    meshedClient = network.addPod("client-sidecar");
    Sidecar.inject(meshedClient, SidecarSettings.inboundMode(InboundMode.PRESERVE));
    server = network.addPod("server");
    ToolServer.start(server, ServerBehaviour.REPLY_AFTER_EOF, server.ip(), REPLY_AFTER_EOF_PORT);
    closeFirst = ToolServer.start(server, ServerBehaviour.CLOSE_FIRST_THEN_READ, server.ip(), CLOSE_FIRST_PORT);
    ToolServer.start(server, ServerBehaviour.RESET_AFTER_READ, server.ip(), RESET_PORT);
    serverSidecar = Sidecar.inject(server, SidecarSettings.inboundMode(InboundMode.PRESERVE));
  }

  /** The client shuts down its write side and still receives the answer the server sends after that. */
  @Test
  void clientHalfCloseStillGetsTheReply() {
    String request = "everything until EOF";

    CommandResult result = Ncat.send(meshedClient, server.ip(), REPLY_AFTER_EOF_PORT, request);

    assertEquals("received " + request.length() + " bytes", result.printed(), result.describe());
    assertEquals(0, result.exitCode(), result.describe());
  }

  /**
   * The server closes its side first; the client can still send, and everything arrives. A few
   * rounds of a megabyte, because losing the tail of the data is a race: the client's FIN
   * may overtake data the proxy has not yet written upstream.
   */
  @Test
  void serverHalfCloseKeepsTheClientDirectionOpen() {
    int bytes = 1_000_000;
    String report = "received " + bytes + " bytes after half-close";
    for (int round = 1; round <= 5; round++) {
      CommandResult result = ToolJvm.run(meshedClient, Duration.ofSeconds(60),
          "send-after-eof", server.ip(), String.valueOf(CLOSE_FIRST_PORT), String.valueOf(bytes));

      assertEquals("got hello, then sent " + bytes + " bytes", result.printed(), result.describe());
      // The server reports each connection: "received N bytes ..." on stdout, or an error on stderr.
      int reports = round;
      BackgroundProcess app = closeFirst.process();
      Waits.until("the server's report on connection #" + round, Duration.ofSeconds(10),
          () -> app.stdoutLines().stream().filter(line -> line.startsWith("received ")).count()
              + connectionErrors(app).size() >= reports);
      List<String> wrong = app.stdoutLines().stream()
          .filter(line -> line.startsWith("received ") && !line.startsWith(report)).toList();
      assertEquals(List.of(), wrong, "round " + round + ": the server must receive all " + bytes + " bytes");
      assertEquals(List.of(), connectionErrors(app), "round " + round + ": the server's errors");
    }
  }

  @ParameterizedTest(name = "client with sidecar: {0}")
  @ValueSource(booleans = {false, true})
  void appResetReachesTheClientAsReset(boolean clientHasSidecar) {
    CommandResult result = Ncat.ping(clientHasSidecar ? meshedClient : plainClient, server.ip(), RESET_PORT);

    assertEquals(Ncat.RESET_BY_PEER, result.printed(), result.describe());
    assertEquals(1, result.exitCode(), result.describe());
  }

  @ParameterizedTest(name = "client with sidecar: {0}")
  @ValueSource(booleans = {false, true})
  void refusingAppReachesTheClientAsReset(boolean clientHasSidecar) {
    long failuresBefore = serverSidecar.stats().inbound("upstream_cx_connect_fail");

    CommandResult result = Ncat.ping(clientHasSidecar ? meshedClient : plainClient, server.ip(), CLOSED_PORT);

    assertEquals(Ncat.RESET_BY_PEER, result.printed(), result.describe());
    awaitCounter(serverSidecar, "listener.inbound.upstream_cx_connect_fail", failuresBefore + 1);
  }

  /**
   * A connection to the server pod's own 15006 is captured to 15006 with that very address as
   * original destination: relaying it would connect the proxy to itself, over and over.
   */
  @Test
  void connectionToTheInboundPortIsRefusedNotRelayedToItself() {
    ProxyStats before = serverSidecar.stats();

    CommandResult result = Ncat.ping(plainClient, server.ip(), Sidecar.INBOUND_PORT);

    assertEquals("", result.stdout(), result.describe());
    awaitCounter(serverSidecar, "listener.inbound.downstream_cx_loop_refused",
        before.inbound("downstream_cx_loop_refused") + 1);
    awaitCounter(serverSidecar, "listener.inbound.downstream_cx_active", 0);
    assertEquals(before.inbound("downstream_cx_total") + 1, serverSidecar.stats().inbound("downstream_cx_total"),
        "one accepted connection, no relayed copies of it");
  }

  /**
   * The app connecting to 127.0.0.1:15001 itself is not redirected (localhost is exempt), so
   * the proxy sees a connection whose destination is its own listener.
   */
  @Test
  void connectionToTheOwnOutboundListenerIsRefusedNotRelayedToItself() {
    ProxyStats before = serverSidecar.stats();
    long refusedBefore = before.outbound("downstream_cx_loop_refused") + before.outbound("downstream_cx_no_original_dst");

    CommandResult result = Ncat.ping(server, "127.0.0.1", Sidecar.OUTBOUND_PORT);

    assertEquals("", result.stdout(), result.describe());
    Waits.until("the outbound listener to count the refusal", COUNTER_TIMEOUT, () -> {
      ProxyStats now = serverSidecar.stats();
      return now.outbound("downstream_cx_loop_refused") + now.outbound("downstream_cx_no_original_dst") == refusedBefore + 1
          && now.outbound("downstream_cx_active") == 0;
    });
    assertEquals(before.outbound("downstream_cx_total") + 1, serverSidecar.stats().outbound("downstream_cx_total"),
        "one accepted connection, no relayed copies of it");
  }

  private static List<String> connectionErrors(BackgroundProcess app) {
    return app.stderrLines().stream().filter(line -> line.startsWith(TcpTool.CONNECTION_ERROR)).toList();
  }

  private static void awaitCounter(Sidecar sidecar, String counter, long expected) {
    Waits.until(counter + " == " + expected, COUNTER_TIMEOUT, () -> sidecar.stats().get(counter) == expected);
  }
}
