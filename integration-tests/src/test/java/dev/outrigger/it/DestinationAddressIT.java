package dev.outrigger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.it.apps.Curl;
import dev.outrigger.it.apps.EchoPage;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.sidecar.InboundMode;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.sidecar.SidecarSettings;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Seed 000: what the app (nginx echoing $server_addr and $remote_addr) sees of an inbound
 * connection. Loopback mode (Istio 1.9): 127.0.0.1 to 127.0.0.1. Preserve mode (Istio 1.10):
 * the pod IP, from 127.0.0.6. Without a sidecar: the pod IP, from the client pod. TPROXY
 * interception (preserve mode): the pod IP, from the client pod, as without a sidecar.
 */
class DestinationAddressIT extends PodNetworkTestBase {
  private static final int APP_PORT = 80;

  private final Map<String, EchoPage> servers = new HashMap<>();
  private Pod plainClient;
  private Pod meshedClient;

  /** What the app sees, by how the connection reached it. */
  enum Seen {
    /** Loopback mode: local 127.0.0.1, peer 127.0.0.1. */
    LOOPBACK,
    /** Preserve mode: local = pod IP, peer = 127.0.0.6. */
    POD_IP_FROM_127_0_0_6,
    /** No sidecar: local = pod IP, peer = client pod IP. */
    POD_IP_FROM_CLIENT
  }

  @Override
  protected String networkName() {
    return "address";
  }

  @BeforeAll
  void startPods() {
    plainClient = network.addPod("client");
    meshedClient = network.addPod("client-sidecar");
    Sidecar.inject(meshedClient, SidecarSettings.inboundMode(InboundMode.PRESERVE));
    startApp("loopback", SidecarSettings.inboundMode(InboundMode.LOOPBACK));
    startApp("preserve", SidecarSettings.inboundMode(InboundMode.PRESERVE));
    // Istio's own names for the two modes (meshConfig.inboundTrafficPolicy.mode).
    startApp("localhost", SidecarSettings.defaults().with(SidecarSettings.INBOUND_MODE, "LOCALHOST"));
    startApp("passthrough", SidecarSettings.defaults().with(SidecarSettings.INBOUND_MODE, "PASSTHROUGH"));
    // No variable at all: the default is preserve, like every Istio since 1.10.
    startApp("default", SidecarSettings.defaults());
    startApp("nomesh", null);
    Pod tproxy = network.addPod("server-tproxy");
    servers.put("tproxy", EchoPage.start(tproxy, APP_PORT));
    Sidecar.injectTproxy(tproxy, SidecarSettings.inboundMode(InboundMode.PRESERVE));
  }

  private void startApp(String name, SidecarSettings sidecarSettings) {
    Pod server = network.addPod("server-" + name);
    EchoPage app = EchoPage.start(server, APP_PORT);
    if (sidecarSettings != null) {
      Sidecar.inject(server, sidecarSettings);
    }
    servers.put(name, app);
  }

  @ParameterizedTest(name = "server-{0}, client with sidecar: {1} -> {2}")
  @CsvSource({
      "loopback,    false, LOOPBACK",
      "loopback,    true,  LOOPBACK",
      "localhost,   false, LOOPBACK",
      "preserve,    false, POD_IP_FROM_127_0_0_6",
      "preserve,    true,  POD_IP_FROM_127_0_0_6",
      "passthrough, false, POD_IP_FROM_127_0_0_6",
      "default,     false, POD_IP_FROM_127_0_0_6",
      "nomesh,      false, POD_IP_FROM_CLIENT",
      "nomesh,      true,  POD_IP_FROM_CLIENT",
      "tproxy,      false, POD_IP_FROM_CLIENT",
      "tproxy,      true,  POD_IP_FROM_CLIENT"})
  void theAppSeesTheAddressesOfItsMode(String serverName, boolean clientHasSidecar, Seen expected) {
    EchoPage app = servers.get(serverName);
    Pod client = clientHasSidecar ? meshedClient : plainClient;

    CommandResult response = Curl.get(client, app.url()).requireSuccess();

    Map<String, String> seen = EchoPage.fields(response.stdout());
    String expectedServer = expected == Seen.LOOPBACK ? "127.0.0.1" : app.pod().ip();
    String expectedRemote = switch (expected) {
      case LOOPBACK -> "127.0.0.1";
      case POD_IP_FROM_127_0_0_6 -> Sidecar.INBOUND_PASSTHROUGH_BIND;
      case POD_IP_FROM_CLIENT -> client.ip();
    };
    assertEquals(expectedServer, seen.get(EchoPage.SERVER), response.stdout());
    assertEquals(expectedRemote, seen.get(EchoPage.REMOTE_IP), response.stdout());
  }
}
