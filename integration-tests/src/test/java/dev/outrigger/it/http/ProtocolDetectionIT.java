package dev.outrigger.it.http;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.it.PodNetworkTestBase;
import dev.outrigger.it.apps.Ncat;
import dev.outrigger.it.apps.ToolJvm;
import dev.outrigger.it.apps.ToolServer;
import dev.outrigger.it.apps.tool.ServerBehaviour;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.sidecar.SidecarSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With protocol detection on (the default), what is not HTTP stays L4 through a client pod's sidecar
 * and a server pod's sidecar: TLS and plain TCP are relayed, logged as TCP connections, and a
 * server-first protocol works on ports the sidecars know as server-first.
 *
 * <p>On a port not in the list the same server-first exchange would hang until the client gives
 * up: the sidecars wait, without a timer, for the client's first bytes to tell the protocol, and
 * the client waits for the server's greeting. Istio's sidecar behaves the same, which is why both
 * keep such a list. That wait is documented here, not asserted.
 *
 * <p>The seed 004 matrix with detection on is {@code InterfaceMatrixIT}, whose sidecars run with
 * default settings apart from the inbound mode.
 */
class ProtocolDetectionIT extends PodNetworkTestBase {
  private static final int LISTED_PORT = 2525;
  private static final int MYSQL_PORT = 3306;
  private static final int TLS_PORT = 9443;
  private static final int TCP_PORT = 9000;

  private Pod client;
  private Sidecar clientSidecar;
  private Pod server;
  private Sidecar serverSidecar;

  @Override
  protected String networkName() {
    return "hdetect";
  }

  @BeforeAll
  void startPods() {
    SidecarSettings settings = SidecarSettings.defaults().with(SidecarSettings.SERVER_FIRST_PORTS, String.valueOf(LISTED_PORT));
    client = network.addPod("client");
    clientSidecar = Sidecar.inject(client, settings);
    server = network.addPod("server");
    // PONG greets every client with "pong" as soon as it connects: a server-first protocol.
    ToolServer.start(server, ServerBehaviour.PONG, server.ip(), LISTED_PORT);
    ToolServer.start(server, ServerBehaviour.PONG, server.ip(), MYSQL_PORT);
    ToolServer.start(server, ServerBehaviour.PONG, server.ip(), TCP_PORT);
    server.start("tls-pong", List.of("ncat", "--ssl", "-l", "-k", server.ip(), String.valueOf(TLS_PORT),
        "--sh-exec", "echo pong"));
    server.awaitListening(server.ip(), TLS_PORT, Duration.ofSeconds(10));
    serverSidecar = Sidecar.inject(server, settings);
  }

  /** 2525 via OUTRIGGER_SERVER_FIRST_PORTS, 3306 (MySQL) from Istio's own list. */
  @ParameterizedTest
  @ValueSource(ints = {LISTED_PORT, MYSQL_PORT})
  void serverFirstProtocolOnAServerFirstPortGetsItsGreeting(int port) {
    // The client reads before it writes; its socket timeout (10 s) bounds the wait.
    CommandResult result = ToolJvm.run(client, Duration.ofSeconds(30), "read-greeting", server.ip(), String.valueOf(port));

    assertEquals("greeting pong", result.printed(), result.describe());
    assertTcpLines(port, "bye\n".length(), "pong\n".length());
  }

  @Test
  void tlsIsRelayedAsBytes() {
    // --recv-only: ncat's TLS client ends the session at the end of its input, before the answer
    // could come; the ClientHello is still the first thing on the wire.
    CommandResult result = client.exec(Duration.ofSeconds(30),
        List.of("ncat", "--ssl", "--recv-only", server.ip(), String.valueOf(TLS_PORT)));

    assertEquals("pong", result.stdout().strip(), result.describe());
    String line = serverSidecar.awaitAccessLog("a TCP line for port " + TLS_PORT,
        l -> l.contains(" \"- - -\" ") && l.contains(" " + server.ip() + ":" + TLS_PORT + " "));
    assertTrue(line.contains(" inbound|" + TLS_PORT + "|| "), line);
  }

  @Test
  void plainTcpIsRelayedAsBytes() {
    CommandResult result = Ncat.ping(client, server.ip(), TCP_PORT);

    assertEquals("pong", result.printed(), result.describe());
    assertTcpLines(TCP_PORT, "ping\n".length(), "pong\n".length());
  }

  /** Both sidecars logged the connection as TCP ("- - -"), with the bytes each way. */
  private void assertTcpLines(int port, long received, long sent) {
    String destination = " " + server.ip() + ":" + port + " ";
    for (Sidecar sidecar : List.of(clientSidecar, serverSidecar)) {
      String line = sidecar.awaitAccessLog("a TCP line for port " + port,
          l -> l.contains(" \"- - -\" ") && l.contains(destination));
      assertAll(sidecar.pod() + ": " + line,
          () -> assertTrue(line.contains(" 0 - - - \"-\" " + received + " " + sent + " "), "code, flags, bytes"),
          () -> assertTrue(line.contains(sidecar == clientSidecar ? " outbound|" + port + "||" + server.ip() + " "
              : " inbound|" + port + "|| "), "cluster"));
    }
  }
}
