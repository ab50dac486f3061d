package dev.outrigger.it.http;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.it.PodNetworkTestBase;
import dev.outrigger.it.apps.Curl;
import dev.outrigger.it.apps.CurlExchange;
import dev.outrigger.it.apps.HeaderEcho;
import dev.outrigger.it.apps.ToolServer;
import dev.outrigger.it.harness.BackgroundProcess;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.sidecar.SidecarSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bodies and connections through a client pod's sidecar and a server pod's sidecar: uploads of
 * 0 B, 1 KiB and 10 MiB, chunked and fixed-length, reach the app byte for byte (it answers with
 * their SHA-256); a 10 MiB download arrives intact; 1,000 requests share one client connection;
 * a slow response holds up no other connection.
 */
class HttpBodiesIT extends PodNetworkTestBase {
  private static final int APP_PORT = 8090;
  private static final int ECHO_PORT = 8080;
  private static final int ECHO_H2C_PORT = 8082;
  private static final int RETIRING_PORT = 8083;
  private static final int RETIRING_H2C_PORT = 8084;
  private static final int MIB = 1024 * 1024;
  private static final int KEEP_ALIVE_REQUESTS = 1000;
  private static final Duration LONG_COMMAND = Duration.ofMinutes(2);

  private Pod client;
  private Sidecar clientSidecar;
  private Pod server;
  private ToolServer app;

  @Override
  protected String networkName() {
    return "hbody";
  }

  @BeforeAll
  void startPods() {
    client = network.addPod("client");
    clientSidecar = Sidecar.inject(client, SidecarSettings.defaults());
    server = network.addPod("server");
    app = ToolServer.startHttpApp(server, server.ip(), APP_PORT);
    HeaderEcho.start(server, ECHO_PORT, ECHO_H2C_PORT);
    // Another nginx, so that its connections serve no other test: it ends a connection after 1,000
    // requests (keepalive_requests, http2_max_requests), with Connection: close or a GOAWAY.
    HeaderEcho.startRelay(server, RETIRING_PORT, RETIRING_H2C_PORT, server.ip() + ":" + APP_PORT);
    Sidecar.inject(server, SidecarSettings.defaults());
  }

  static Stream<Arguments> uploads() {
    return Stream.of(0, 1024, 10 * MIB).flatMap(size -> Stream.of(Arguments.of(size, false), Arguments.of(size, true)));
  }

  @ParameterizedTest(name = "{0} bytes, chunked: {1}")
  @MethodSource("uploads")
  void uploadArrivesIntact(int size, boolean chunked) throws IOException {
    Path payload = randomFile(client.workDir().resolve("upload-" + size + ".bin"), size);
    List<String> options = new ArrayList<>(List.of("--data-binary", "@" + payload, "-H", "Content-Type: application/octet-stream"));
    if (chunked) {
      options.addAll(List.of("-H", "Transfer-Encoding: chunked"));
    }

    CurlExchange response = Curl.exchange(client, appUrl("/sha256"), options).requireTransfer();

    Map<String, String> seen = HeaderEcho.seen(response.body());
    assertAll(response.toString(),
        () -> assertEquals(200, response.status()),
        () -> assertEquals(sha256(payload), seen.get("sha256")),
        () -> assertEquals(String.valueOf(size), seen.get("bytes")),
        () -> assertEquals(chunked ? "chunked" : "", seen.get("transfer-encoding"), "the body keeps its framing"),
        () -> assertEquals(chunked ? "" : String.valueOf(size), seen.get("content-length")));
  }

  @Test
  void downloadArrivesIntact() throws IOException {
    int size = 10 * MIB;
    Path received = client.workDir().resolve("download.bin");

    CommandResult result = client.exec(LONG_COMMAND, List.of("curl", "-sS", "--max-time", "60", "-o", received.toString(),
        "-w", "%{http_code}", appUrl("/random/" + size)));

    assertEquals("200", result.stdout(), result.describe());
    Path expected = randomFile(network.workDir().resolve("expected.bin"), size);
    assertEquals(sha256(expected), sha256(received), "received " + Files.size(received) + " of " + size + " bytes");
  }

  /** curl with 1,000 URLs reuses its connection; the client sidecar must keep it open for all of them. */
  @Test
  void thousandHttp11RequestsShareOneClientConnection() {
    long connectionsBefore = clientSidecar.stats().outbound("downstream_cx_total");
    // Bodies to stdout, one summary line per transfer to stderr (an -o would cover one URL only).
    List<String> argv = new ArrayList<>(List.of("curl", "-sS", "--max-time", "100",
        "-w", "%{stderr}%{http_code} %{num_connects}\\n"));
    argv.addAll(Collections.nCopies(KEEP_ALIVE_REQUESTS, echoUrl(false, "/keep-alive")));

    CommandResult result = client.exec(LONG_COMMAND, argv);

    List<String> lines = result.stderr().lines().toList();
    assertEquals(KEEP_ALIVE_REQUESTS, lines.stream().filter(l -> l.startsWith("200 ")).count(), result.describe());
    assertEquals(1, lines.stream().mapToInt(l -> Integer.parseInt(l.split(" ")[1])).sum(), "connections curl opened");
    assertEquals(connectionsBefore + 1, clientSidecar.stats().outbound("downstream_cx_total"),
        "connections the client sidecar accepted");
  }

  /** h2load: 1,000 requests on one HTTP/2 connection, up to 10 streams at a time. */
  @Test
  void thousandHttp2RequestsShareOneClientConnection() {
    long connectionsBefore = clientSidecar.stats().outbound("downstream_cx_total");

    CommandResult result = client.exec(LONG_COMMAND, List.of("h2load", "-n", String.valueOf(KEEP_ALIVE_REQUESTS),
        "-c", "1", "-m", "10", echoUrl(true, "/h2load")));

    int n = KEEP_ALIVE_REQUESTS;
    assertAll(result.describe(),
        () -> assertEquals(0, result.exitCode()),
        () -> assertTrue(result.stdout().contains("requests: " + n + " total, " + n + " started, " + n + " done, "
            + n + " succeeded, 0 failed, 0 errored, 0 timeout")),
        () -> assertTrue(result.stdout().contains("status codes: " + n + " 2xx, 0 3xx, 0 4xx, 0 5xx")));
    assertEquals(connectionsBefore + 1, clientSidecar.stats().outbound("downstream_cx_total"),
        "connections the client sidecar accepted");
  }

  /**
   * nginx ends each upstream connection after 1,000 requests (HTTP/1.1: Connection: close on the
   * last answer; HTTP/2: GOAWAY). The server sidecar must go on with a new connection: all 1,500
   * requests succeed.
   */
  @ParameterizedTest
  @EnumSource(Protocol.class)
  void appRetiringItsConnectionAfter1000RequestsIsReplaced(Protocol protocol) {
    int requests = 1500;
    String url = "http://" + server.ip() + ":" + (protocol.h2c() ? RETIRING_H2C_PORT : RETIRING_PORT) + "/retiring";
    List<String> argv = protocol.h2c()
        ? List.of("h2load", "-n", String.valueOf(requests), "-c", "1", "-m", "1", url)
        : new ArrayList<>(List.of("curl", "-sS", "--max-time", "100", "-o", "/dev/null", "-w", "%{stderr}%{http_code}\\n"));
    if (!protocol.h2c()) {
      argv.addAll(Collections.nCopies(requests, url));
    }

    CommandResult result = client.exec(LONG_COMMAND, argv);

    if (protocol.h2c()) {
      assertTrue(result.stdout().contains("status codes: " + requests + " 2xx, 0 3xx, 0 4xx, 0 5xx"), result.describe());
    } else {
      List<String> codes = result.stderr().lines().toList();
      assertEquals(requests, codes.stream().filter("200"::equals).count(), "200s of " + codes.size() + ": "
          + codes.stream().distinct().toList());
    }
  }

  /**
   * While one request waits 8 s for its answer, 20 others on connections of their own get theirs at
   * once; the slow one still completes afterwards.
   */
  @Test
  void slowUpstreamDoesNotBlockOtherConnections() {
    long slowMillis = 8000;
    BackgroundProcess slow = client.start("slow-curl", List.of("curl", "-sS", "--max-time", "30", "-o", "/dev/null",
        "-w", "%{http_code}", appUrl("/slow/" + slowMillis)));
    app.process().awaitStdoutLine("the slow request at the app", Duration.ofSeconds(10),
        line -> line.equals("slow " + slowMillis + " started"));

    Instant before = Instant.now();
    List<String> argv = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10",
        "-H", "Connection: close", "-w", "%{stderr}%{http_code} %{num_connects}\\n"));
    argv.addAll(Collections.nCopies(20, appUrl("/headers")));
    CommandResult others = client.exec(Duration.ofSeconds(20), argv);
    long tookMillis = Duration.between(before, Instant.now()).toMillis();

    assertEquals(Collections.nCopies(20, "200 1"), others.stderr().lines().toList(), "a new connection each\n"
        + others.describe());
    assertTrue(tookMillis < slowMillis / 2, "20 requests took " + tookMillis + " ms");
    assertTrue(slow.isAlive(), "the slow request is still waiting");
    assertEquals(0, slow.awaitExit(Duration.ofSeconds(20)), slow.describeOutput());
    assertEquals(List.of("200"), slow.stdoutLines());
  }

  private String appUrl(String path) {
    return "http://" + server.ip() + ":" + APP_PORT + path;
  }

  private String echoUrl(boolean h2c, String path) {
    return "http://" + server.ip() + ":" + (h2c ? ECHO_H2C_PORT : ECHO_PORT) + path;
  }

  /** The bytes the app's /random/&lt;size&gt; sends: a Random seeded with the size, 64 KiB at a time. */
  private static Path randomFile(Path file, int size) throws IOException {
    Random random = new Random(size);
    byte[] chunk = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int left = size; left > 0; left -= chunk.length) {
        random.nextBytes(chunk);
        out.write(chunk, 0, Math.min(left, chunk.length));
      }
    }
    return file;
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
