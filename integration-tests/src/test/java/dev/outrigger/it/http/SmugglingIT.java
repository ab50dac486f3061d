package dev.outrigger.it.http;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.it.PodNetworkTestBase;
import dev.outrigger.it.apps.Curl;
import dev.outrigger.it.apps.CurlExchange;
import dev.outrigger.it.apps.ToolServer;
import dev.outrigger.it.apps.tool.RecordingHttp;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.sidecar.SidecarSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 9's smuggling and hang cases end to end: a raw client in a pod with its sidecar, a server
 * pod with its sidecar, and an app there that prints every request exactly as its bytes frame it.
 */
class SmugglingIT extends PodNetworkTestBase {
  private static final int PORT = 8095;
  private static final String PROTOCOL_ERROR =
      "upstream connect error or disconnect/reset before headers. reset reason: protocol error";

  private Pod client;
  private Sidecar clientSidecar;
  private Pod server;
  private Sidecar serverSidecar;
  private ToolServer app;

  @Override
  protected String networkName() {
    return "smuggle";
  }

  @BeforeAll
  void startPods() {
    client = network.addPod("client");
    clientSidecar = Sidecar.inject(client, SidecarSettings.defaults());
    server = network.addPod("server");
    app = ToolServer.startRecordingHttp(server, server.ip(), PORT);
    serverSidecar = Sidecar.inject(server, SidecarSettings.defaults());
  }

  /**
   * Sends raw bytes and keeps the connection open (no FIN, which would cut the exchange): ncat
   * prints what comes back until the proxies close or the timeout ends it.
   */
  private CommandResult raw(String request) {
    return client.exec(Duration.ofSeconds(20), request.getBytes(StandardCharsets.ISO_8859_1),
        List.of("timeout", "3", "ncat", "--no-shutdown", server.ip(), String.valueOf(PORT)));
  }

  private List<String> received() {
    return app.process().stdoutLines().stream().filter(l -> l.startsWith(RecordingHttp.RECEIVED)).toList();
  }

  @Test
  void connectionCannotTurnABodyIntoASecondRequest() {
    String smuggled = "GET /smuggled HTTP/1.1\r\nHost: app.test\r\n\r\n";
    int before = received().size();

    CommandResult result = raw("POST /conn-cl HTTP/1.1\r\nHost: app.test\r\nConnection: Content-Length\r\n"
        + "Content-Length: " + smuggled.length() + "\r\n\r\n" + smuggled);

    assertTrue(result.stdout().startsWith("HTTP/1.1 200 "), result.describe());
    assertTrue(result.stdout().endsWith("path=/conn-cl"), result.describe());
    assertEquals(List.of(RecordingHttp.RECEIVED + "POST /conn-cl " + smuggled.length() + " " + RecordingHttp.escape(smuggled)),
        received().subList(before, received().size()));
  }

  @Test
  void aTruncatedSmuggledPrefixDoesNotGlueTheNextRequest() {
    String prefix = "GET /smuggled HTTP/1.1\r\nX-Eat: ";
    raw("POST /glue HTTP/1.1\r\nHost: app.test\r\nConnection: Content-Length\r\nContent-Length: " + prefix.length()
        + "\r\n\r\n" + prefix);

    CommandResult next = raw("GET /victim HTTP/1.1\r\nHost: app.test\r\n\r\n");

    assertTrue(next.stdout().endsWith("path=/victim"), "the next client got another request's answer\n" + next.describe());
    assertTrue(received().stream().noneMatch(l -> l.startsWith(RecordingHttp.RECEIVED + "GET /smuggled")),
        "the app parsed the smuggled prefix as a request: " + received());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/bad-two-lengths", "/bad-length-and-chunked", "/bad-space-before-colon", "/bad-bare-cr",
      "/bad-folded"})
  void aResponseTheParserRejectsIs503UpeNotAHang(String path) {
    Instant start = Instant.now();
    CurlExchange response = Curl.exchange(client, "http://" + server.ip() + ":" + PORT + path, List.of()).requireTransfer();
    long tookMillis = Duration.between(start, Instant.now()).toMillis();

    assertAll(response.toString(),
        () -> assertEquals(503, response.status()),
        () -> assertEquals(PROTOCOL_ERROR, response.body()),
        () -> assertTrue(tookMillis < 5000, "took " + tookMillis + " ms"));
    HttpLogLine atServer = AccessLogs.byPath(serverSidecar, path);
    assertAll(atServer.toString(),
        () -> assertEquals(503, atServer.responseCode()),
        () -> assertEquals("UPE", atServer.responseFlags()),
        () -> assertEquals("upstream_reset_before_response_started{protocol_error}", atServer.responseCodeDetails()));
    assertEquals("-", AccessLogs.byPath(clientSidecar, path).responseFlags(), "the client sidecar relays the 503");
  }
}
