package dev.outrigger.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.it.apps.Ncat;
import dev.outrigger.it.apps.PongServer;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.sidecar.InboundMode;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.sidecar.SidecarSettings;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The access-log facts of seeds 001/002, field by field, against the real addresses: clients
 * connect from fixed source ports so each line can be matched to its connection.
 */
class AccessLogIT extends PodNetworkTestBase {
  private static final int ETH0_PORT = 8080;
  private static final int LO_PORT = 8081;
  // Longer than the 5-byte "pong\n", so swapped byte counts cannot pass unnoticed.
  private static final String REQUEST = "ping from the access-log test\n";
  private static final String PONG = "pong\n";

  private Pod plainClient;
  private Sidecar clientSidecar;
  private Sidecar preserveSidecar;
  private Sidecar loopbackSidecar;
  private PongServer preserveEth0Server;
  private PongServer loopbackLoServer;

  @Override
  protected String networkName() {
    return "alog";
  }

  @BeforeAll
  void startPods() {
    plainClient = network.addPod("client");
    clientSidecar = Sidecar.inject(network.addPod("client-sidecar"), SidecarSettings.inboundMode(InboundMode.PRESERVE));
    Pod preserve = network.addPod("server-preserve");
    preserveEth0Server = PongServer.start(preserve, preserve.ip(), ETH0_PORT);
    PongServer.start(preserve, "127.0.0.1", LO_PORT);
    preserveSidecar = Sidecar.inject(preserve, SidecarSettings.inboundMode(InboundMode.PRESERVE));
    Pod loopback = network.addPod("server-loopback");
    loopbackLoServer = PongServer.start(loopback, "127.0.0.1", LO_PORT);
    loopbackSidecar = Sidecar.inject(loopback, SidecarSettings.inboundMode(InboundMode.LOOPBACK));
  }

  @Test
  void preserveModeLineNamesThePodIpAndTheMagicSourceAddress() {
    int clientPort = 41001;
    preserveEth0Server.awaitListening();
    Instant before = Instant.now();
    Ncat.sendFromPort(plainClient, clientPort, pod(preserveSidecar).ip(), ETH0_PORT, REQUEST).requireSuccess();
    Instant after = Instant.now();

    AccessLogEntry line = entryFrom(preserveSidecar, plainClient.ip() + ":" + clientPort);

    String podAddress = pod(preserveSidecar).ip() + ":" + ETH0_PORT;
    assertAll(line.toString(),
        () -> assertSuccessfulTcpEntry(line, before, after),
        () -> assertEquals(podAddress, line.upstreamHost()),
        () -> assertEquals("inbound|" + ETH0_PORT + "||", line.upstreamCluster()),
        () -> assertEquals(Sidecar.INBOUND_PASSTHROUGH_BIND, AccessLogEntry.ip(line.upstreamLocalAddress())),
        () -> assertValidPort(AccessLogEntry.port(line.upstreamLocalAddress())),
        () -> assertEquals(podAddress, line.downstreamLocalAddress()),
        () -> assertEquals(plainClient.ip() + ":" + clientPort, line.downstreamRemoteAddress()));
  }

  @Test
  void loopbackModeLineNamesLocalhost() {
    int clientPort = 41002;
    loopbackLoServer.awaitListening();
    Instant before = Instant.now();
    Ncat.sendFromPort(plainClient, clientPort, pod(loopbackSidecar).ip(), LO_PORT, REQUEST).requireSuccess();
    Instant after = Instant.now();

    AccessLogEntry line = entryFrom(loopbackSidecar, plainClient.ip() + ":" + clientPort);

    assertAll(line.toString(),
        () -> assertSuccessfulTcpEntry(line, before, after),
        () -> assertEquals("127.0.0.1:" + LO_PORT, line.upstreamHost()),
        () -> assertEquals("inbound|" + LO_PORT + "||", line.upstreamCluster()),
        () -> assertEquals("127.0.0.1", AccessLogEntry.ip(line.upstreamLocalAddress())),
        () -> assertValidPort(AccessLogEntry.port(line.upstreamLocalAddress())),
        () -> assertEquals(pod(loopbackSidecar).ip() + ":" + LO_PORT, line.downstreamLocalAddress()),
        () -> assertEquals(plainClient.ip() + ":" + clientPort, line.downstreamRemoteAddress()));
  }

  /** Seed 001: the client sidecar logs the outbound leg, the server sidecar the inbound leg of one connection. */
  @Test
  void outboundAndInboundLinesDescribeTheSameConnection() {
    int clientPort = 41003;
    Pod client = pod(clientSidecar);
    String serverAddress = pod(preserveSidecar).ip() + ":" + ETH0_PORT;
    preserveEth0Server.awaitListening();
    Instant before = Instant.now();
    Ncat.sendFromPort(client, clientPort, pod(preserveSidecar).ip(), ETH0_PORT, REQUEST).requireSuccess();
    Instant after = Instant.now();

    AccessLogEntry outbound = entryFrom(clientSidecar, client.ip() + ":" + clientPort);
    assertAll(outbound.toString(),
        () -> assertSuccessfulTcpEntry(outbound, before, after),
        () -> assertEquals(serverAddress, outbound.upstreamHost()),
        () -> assertEquals("outbound|" + ETH0_PORT + "||" + pod(preserveSidecar).ip(), outbound.upstreamCluster()),
        () -> assertEquals(client.ip(), AccessLogEntry.ip(outbound.upstreamLocalAddress())),
        () -> assertEquals(serverAddress, outbound.downstreamLocalAddress()),
        () -> assertEquals(client.ip() + ":" + clientPort, outbound.downstreamRemoteAddress()));

    // The client sidecar's upstream socket is the server sidecar's downstream peer.
    AccessLogEntry inbound = entryFrom(preserveSidecar, outbound.upstreamLocalAddress());
    assertAll(inbound.toString(),
        () -> assertSuccessfulTcpEntry(inbound, before, after),
        () -> assertEquals(serverAddress, inbound.upstreamHost()),
        () -> assertEquals("inbound|" + ETH0_PORT + "||", inbound.upstreamCluster()),
        () -> assertEquals(Sidecar.INBOUND_PASSTHROUGH_BIND, AccessLogEntry.ip(inbound.upstreamLocalAddress())),
        () -> assertEquals(serverAddress, inbound.downstreamLocalAddress()));
  }

  @Test
  void refusedAppIsLoggedAsUpstreamFailure() {
    int clientPort = 41004;
    String podAddress = pod(preserveSidecar).ip() + ":" + LO_PORT;
    Instant before = Instant.now();
    CommandResult result = Ncat.sendFromPort(plainClient, clientPort, pod(preserveSidecar).ip(), LO_PORT, REQUEST);
    Instant after = Instant.now();
    assertEquals(Ncat.RESET_BY_PEER, result.printed(), result.describe());

    AccessLogEntry line = entryFrom(preserveSidecar, plainClient.ip() + ":" + clientPort);

    assertAll(line.toString(),
        () -> assertEquals("UF", line.responseFlags()),
        () -> assertEquals("delayed connect error: Connection refused", line.transportFailureReason()),
        () -> assertEquals(0, line.bytesSent()),
        () -> assertStartedWithin(line, before, after),
        () -> assertEquals(podAddress, line.upstreamHost()),
        () -> assertEquals("inbound|" + LO_PORT + "||", line.upstreamCluster()),
        () -> assertEquals(podAddress, line.downstreamLocalAddress()),
        () -> assertEquals(plainClient.ip() + ":" + clientPort, line.downstreamRemoteAddress()));
  }

  /** Stdout is the access log alone: every line the sidecars printed there parses. */
  @Test
  void onlyAccessLogLinesGoToStdout() {
    int clientPort = 41005;
    preserveEth0Server.awaitListening();
    Ncat.sendFromPort(pod(clientSidecar), clientPort, pod(preserveSidecar).ip(), ETH0_PORT, REQUEST).requireSuccess();
    entryFrom(clientSidecar, pod(clientSidecar).ip() + ":" + clientPort);

    for (Sidecar sidecar : new Sidecar[] {clientSidecar, preserveSidecar, loopbackSidecar}) {
      assertAll(sidecar.flushedAccessLog().stream().map(line -> () -> AccessLogEntry.parse(line)));
    }
  }

  private static void assertSuccessfulTcpEntry(AccessLogEntry line, Instant before, Instant after) {
    assertEquals("- - -", line.request());
    assertEquals("0", line.responseCode());
    assertEquals("-", line.responseFlags());
    assertEquals(REQUEST.length(), line.bytesReceived(), "bytes received from downstream");
    assertEquals(PONG.length(), line.bytesSent(), "bytes sent to downstream");
    assertStartedWithin(line, before, after);
    assertTrue(line.durationMillis() <= after.toEpochMilli() - before.toEpochMilli() + 1,
        "duration " + line.durationMillis() + " ms longer than the client ran");
    assertEquals("-", line.requestedServerName());
    assertEquals("-", line.routeName());
  }

  /** Millisecond log precision and clock reads on two sides: allow one millisecond each way. */
  private static void assertStartedWithin(AccessLogEntry line, Instant before, Instant after) {
    assertFalse(line.start().isBefore(before.minusMillis(1)), "start " + line.start() + " before " + before);
    assertFalse(line.start().isAfter(after.plusMillis(1)), "start " + line.start() + " after " + after);
  }

  private static void assertValidPort(int port) {
    assertTrue(port > 0 && port < 65536, "port " + port);
  }

  private static AccessLogEntry entryFrom(Sidecar sidecar, String downstreamRemote) {
    // The downstream remote address is the third field from the end ("... <remote> - -").
    String line = sidecar.awaitAccessLog("a line for downstream " + downstreamRemote,
        candidate -> candidate.endsWith(" " + downstreamRemote + " - -"));
    return AccessLogEntry.parse(line);
  }

  private static Pod pod(Sidecar sidecar) {
    return sidecar.pod();
  }
}
