package dev.outrigger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.it.apps.Ncat;
import dev.outrigger.it.apps.PongServer;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.sidecar.InboundMode;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.sidecar.SidecarSettings;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seed 004: `echo ping | ncat <server pod> <port>` against a server listening on 127.0.0.1 (lo)
 * or on the pod IP (eth0), behind a sidecar in each inbound mode, from a client pod with and
 * without its own sidecar.
 *
 * <pre>
 * server listens on | loopback (Istio 1.9)            | preserve (Istio 1.10)
 * 127.0.0.1 (lo)    | pong                            | Ncat: Connection reset by peer.
 * pod IP (eth0)     | Ncat: Connection reset by peer. | pong
 * </pre>
 *
 * <p>TPROXY interception leaves the matrix as it is: in preserve mode the app is dialled at the pod IP
 * (from the client's address instead of 127.0.0.6), in loopback mode at 127.0.0.1 as with REDIRECT.
 */
class InterfaceMatrixIT extends PodNetworkTestBase {
  private static final int LO_PORT = 8080;
  private static final int ETH0_PORT = 8081;

  private static final String LOCALHOST_ONLY_GAUGE = "outrigger_inbound_localhost_only_listeners";
  private static final String LO_WARNING = "port " + LO_PORT + ": the app listens on localhost (127.0.0.1/::1) only";

  private final Map<InboundMode, Pod> servers = new EnumMap<>(InboundMode.class);
  private final Map<InboundMode, Sidecar> sidecars = new EnumMap<>(InboundMode.class);
  private Pod fixedServer;
  private Sidecar fixedSidecar;
  private PongServer fixedLoServer;
  private PongServer fixedEth0Server;
  private final Map<InboundMode, PongServer> loServers = new EnumMap<>(InboundMode.class);
  private final Map<InboundMode, PongServer> eth0Servers = new EnumMap<>(InboundMode.class);
  private Pod plainClient;
  private Pod meshedClient;
  private final Map<InboundMode, Pod> tproxyServers = new EnumMap<>(InboundMode.class);
  private final Map<InboundMode, PongServer> tproxyLoServers = new EnumMap<>(InboundMode.class);
  private final Map<InboundMode, PongServer> tproxyEth0Servers = new EnumMap<>(InboundMode.class);
  private Pod unmeshedServer;
  private PongServer unmeshedEth0Server;

  @Override
  protected String networkName() {
    return "matrix";
  }

  enum Client { WITHOUT_SIDECAR, WITH_SIDECAR }

  enum Bind { LO, ETH0 }

  @BeforeAll
  void startPods() {
    plainClient = network.addPod("client");
    meshedClient = network.addPod("client-sidecar");
    Sidecar.inject(meshedClient, SidecarSettings.inboundMode(InboundMode.PRESERVE));
    for (InboundMode mode : InboundMode.values()) {
      Pod server = network.addPod("server-" + mode.envValue());
      loServers.put(mode, PongServer.start(server, "127.0.0.1", LO_PORT));
      eth0Servers.put(mode, PongServer.start(server, server.ip(), ETH0_PORT));
      sidecars.put(mode, Sidecar.inject(server, SidecarSettings.inboundMode(mode)));
      servers.put(mode, server);
    }
    // The same lo-bound app in preserve mode, with its port opted into loopback forwarding.
    fixedServer = network.addPod("server-lo-fix");
    fixedLoServer = PongServer.start(fixedServer, "127.0.0.1", LO_PORT);
    fixedEth0Server = PongServer.start(fixedServer, fixedServer.ip(), ETH0_PORT);
    fixedSidecar = Sidecar.inject(fixedServer, SidecarSettings.inboundMode(InboundMode.PRESERVE)
        .with(SidecarSettings.LOCALHOST_INBOUND_PORTS, String.valueOf(LO_PORT)));
    for (InboundMode mode : InboundMode.values()) {
      Pod server = network.addPod("tproxy-" + mode.envValue());
      tproxyLoServers.put(mode, PongServer.start(server, "127.0.0.1", LO_PORT));
      tproxyEth0Servers.put(mode, PongServer.start(server, server.ip(), ETH0_PORT));
      Sidecar.injectTproxy(server, SidecarSettings.inboundMode(mode));
      tproxyServers.put(mode, server);
    }
    unmeshedServer = network.addPod("server-nomesh");
    PongServer.start(unmeshedServer, "127.0.0.1", LO_PORT);
    unmeshedEth0Server = PongServer.start(unmeshedServer, unmeshedServer.ip(), ETH0_PORT);
  }

  static Stream<Arguments> matrix() {
    return Stream.of(InboundMode.values()).flatMap(mode -> Stream.of(Client.values()).flatMap(client ->
        Stream.of(Bind.values()).map(bind -> Arguments.of(mode, client, bind))));
  }

  @ParameterizedTest(name = "{0} mode, client {1}, server on {2}")
  @MethodSource("matrix")
  void theBindAddressDecidesReachabilityAsInTheSeed(InboundMode mode, Client client, Bind bind) {
    assertSeedReachability(servers.get(mode), bind == Bind.LO ? loServers.get(mode) : eth0Servers.get(mode),
        mode, client, bind);
  }

  @ParameterizedTest(name = "TPROXY, {0} mode, client {1}, server on {2}")
  @MethodSource("matrix")
  void tproxyInterceptionKeepsTheMatrixOfItsInboundMode(InboundMode mode, Client client, Bind bind) {
    assertSeedReachability(tproxyServers.get(mode),
        bind == Bind.LO ? tproxyLoServers.get(mode) : tproxyEth0Servers.get(mode), mode, client, bind);
  }

  /** Seed 004: a server on lo is reached only in loopback mode, one on eth0 only in preserve mode. */
  private void assertSeedReachability(Pod serverPod, PongServer server, InboundMode mode, Client client, Bind bind) {
    server.awaitListening();

    CommandResult result = Ncat.ping(client == Client.WITH_SIDECAR ? meshedClient : plainClient,
        serverPod.ip(), server.port());

    boolean reachable = (mode == InboundMode.LOOPBACK) == (bind == Bind.LO);
    assertEquals(reachable ? "pong" : Ncat.RESET_BY_PEER, result.printed(), result.describe());
    assertEquals(reachable ? 0 : 1, result.exitCode(), result.describe());
  }

  /** The reference outside a mesh, which preserve mode restores: lo is private, eth0 is public. */
  @Test
  void withoutSidecarOnlyTheEth0ServerIsReachable() {
    assertEquals(Ncat.CONNECTION_REFUSED, Ncat.ping(plainClient, unmeshedServer.ip(), LO_PORT).printed());
    unmeshedEth0Server.awaitListening();
    assertEquals("pong", Ncat.ping(plainClient, unmeshedServer.ip(), ETH0_PORT).printed());
  }

  /**
   * The seed's trap, caught at runtime: in preserve mode the lo-bound app's port gets a warning
   * line, the gauge and a line in the readiness body (readiness stays 200); loopback mode says
   * nothing, since there the lo-bound app is reached.
   */
  @Test
  void preserveModeWarnsAboutTheLoBoundAppAndCountsIt() {
    loServers.get(InboundMode.PRESERVE).awaitListening();
    Sidecar preserve = sidecars.get(InboundMode.PRESERVE);
    // Scanned at start and every 10 s: the app may have come up after the first scan.
    String warning = preserve.process().awaitStderrLine("the localhost-only warning", Duration.ofSeconds(25),
        line -> line.contains(LO_WARNING));
    assertTrue(warning.contains("WARN"), warning);
    assertTrue(warning.contains("OUTRIGGER_LOCALHOST_INBOUND_PORTS=" + LO_PORT), warning);
    assertEquals(1.0, preserve.metrics(Sidecar.PROMETHEUS_PORT).sum(LOCALHOST_ONLY_GAUGE, Map.of()));
    CommandResult ready = readinessBody(preserve);
    assertTrue(ready.stdout().endsWith("\n200"), ready.describe());
    assertTrue(ready.stdout().contains("warning: app listens on localhost only on port(s) " + LO_PORT + ":"),
        ready.describe());
    assertEquals(Ncat.RESET_BY_PEER, Ncat.ping(plainClient, servers.get(InboundMode.PRESERVE).ip(), LO_PORT).printed());

    Sidecar loopback = sidecars.get(InboundMode.LOOPBACK);
    assertTrue(loopback.process().stderrLines().stream().noneMatch(line -> line.contains(LO_WARNING)),
        String.join("\n", loopback.process().stderrLines()));
    assertTrue(loopback.metrics(Sidecar.PROMETHEUS_PORT).matching(LOCALHOST_ONLY_GAUGE, Map.of()).isEmpty());
  }

  /** OUTRIGGER_LOCALHOST_INBOUND_PORTS turns the reset cell into pong, and only for that port. */
  @Test
  void theLocalhostInboundPortsSettingMakesTheSameCellAnswerPong() {
    fixedLoServer.awaitListening();
    fixedEth0Server.awaitListening();
    for (Pod client : new Pod[] {plainClient, meshedClient}) {
      CommandResult lo = Ncat.ping(client, fixedServer.ip(), LO_PORT);
      assertEquals("pong", lo.printed(), lo.describe());
      CommandResult eth0 = Ncat.ping(client, fixedServer.ip(), ETH0_PORT); // still preserved
      assertEquals("pong", eth0.printed(), eth0.describe());
    }
    assertEquals(0.0, fixedSidecar.metrics(Sidecar.PROMETHEUS_PORT).sum(LOCALHOST_ONLY_GAUGE, Map.of()));
    assertTrue(fixedSidecar.process().stderrLines().stream().noneMatch(line -> line.contains(LO_WARNING)));
  }

  /** The body of GET /healthz/ready, a newline, then the status code. */
  private static CommandResult readinessBody(Sidecar sidecar) {
    return sidecar.pod().exec(Duration.ofSeconds(10), List.of("curl", "-sS", "--max-time", "5", "-w", "\n%{http_code}",
        "http://127.0.0.1:" + Sidecar.STATUS_PORT + "/healthz/ready"));
  }
}
