package dev.outrigger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.it.apps.Ncat;
import dev.outrigger.it.apps.PongServer;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.sidecar.InboundMode;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.sidecar.SidecarSettings;
import java.util.EnumMap;
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
 */
class InterfaceMatrixIT extends PodNetworkTestBase {
  private static final int LO_PORT = 8080;
  private static final int ETH0_PORT = 8081;

  private final Map<InboundMode, Pod> servers = new EnumMap<>(InboundMode.class);
  private final Map<InboundMode, PongServer> loServers = new EnumMap<>(InboundMode.class);
  private final Map<InboundMode, PongServer> eth0Servers = new EnumMap<>(InboundMode.class);
  private Pod plainClient;
  private Pod meshedClient;
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
      Sidecar.inject(server, SidecarSettings.inboundMode(mode));
      servers.put(mode, server);
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
    PongServer server = bind == Bind.LO ? loServers.get(mode) : eth0Servers.get(mode);
    server.awaitListening();

    CommandResult result = Ncat.ping(client == Client.WITH_SIDECAR ? meshedClient : plainClient,
        servers.get(mode).ip(), server.port());

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
}
