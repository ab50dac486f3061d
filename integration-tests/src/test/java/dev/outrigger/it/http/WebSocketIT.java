package dev.outrigger.it.http;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.it.PodNetworkTestBase;
import dev.outrigger.it.apps.ToolJvm;
import dev.outrigger.it.apps.WebSocketEcho;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.sidecar.SidecarSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A WebSocket round trip through a client pod's sidecar and a server pod's sidecar: the JDK's
 * WebSocket client (java.net.http) against python3-websockets' echo server, two implementations
 * that owe nothing to this project. After the 101, both sidecars relay the frames as bytes.
 */
class WebSocketIT extends PodNetworkTestBase {
  private static final int PORT = 8765;
  /** RFC 6455's example key and the accept value the server must derive from it. */
  private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
  private static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

  private Pod client;
  private Sidecar clientSidecar;
  private Sidecar serverSidecar;
  private WebSocketEcho echo;

  @Override
  protected String networkName() {
    return "hws";
  }

  @BeforeAll
  void startPods() {
    client = network.addPod("client");
    clientSidecar = Sidecar.inject(client, SidecarSettings.defaults());
    Pod server = network.addPod("server");
    echo = WebSocketEcho.start(server, server.ip(), PORT);
    serverSidecar = Sidecar.inject(server, SidecarSettings.defaults());
  }

  @Test
  void framesGoBothWaysAfterThe101() {
    CommandResult result = ToolJvm.run(client, Duration.ofSeconds(60), "websocket", echo.url("/echo"), "3");

    assertEquals(List.of("open", "echo message 1", "echo message 2", "echo message 3", "binary echo 100000 bytes",
        "closed 1000"), result.stdout().lines().toList(), result.describe());
    assertEquals(0, result.exitCode(), result.describe());
    for (Sidecar sidecar : List.of(clientSidecar, serverSidecar)) {
      HttpLogLine line = AccessLogs.byPath(sidecar, "/echo");
      assertAll(sidecar.pod() + ": " + line,
          () -> assertEquals("GET", line.method()),
          () -> assertEquals(101, line.responseCode()),
          () -> assertEquals("-", line.responseFlags()));
    }
  }

  /** The handshake as curl sees it: 101 with the Sec-WebSocket-Accept of RFC 6455's example. */
  @Test
  void handshakeIs101WithTheServersAccept() {
    // curl (7.88, no WebSocket support) keeps waiting after the 101; --max-time ends it (exit 28).
    CommandResult result = client.exec(Duration.ofSeconds(20), List.of("curl", "-sS", "-i", "--max-time", "2",
        "-H", "Connection: Upgrade", "-H", "Upgrade: websocket", "-H", "Sec-WebSocket-Version: 13",
        "-H", "Sec-WebSocket-Key: " + KEY, echo.url("/handshake").replace("ws://", "http://")));

    List<String> head = result.stdout().lines().map(String::strip).toList();
    assertAll(result.describe(),
        () -> assertTrue(head.get(0).startsWith("HTTP/1.1 101"), head.get(0)),
        () -> assertTrue(head.stream().anyMatch(l -> l.equalsIgnoreCase("upgrade: websocket"))),
        () -> assertTrue(head.stream().anyMatch(l -> l.equalsIgnoreCase("sec-websocket-accept: " + ACCEPT))));
  }
}
