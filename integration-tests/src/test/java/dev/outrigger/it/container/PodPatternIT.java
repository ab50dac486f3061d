package dev.outrigger.it.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.outrigger.core.config.InboundMode;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;

/**
 * The image in the pod pattern: per inbound mode, two pods whose init and proxy containers run
 * from the image exactly as kube-inject wrote them, one with the seed 004 netcat server on
 * 127.0.0.1, one with it on the pod IP and seed 000's nginx echo page, and a client pod without
 * a sidecar, as in the seeds.
 *
 * <pre>
 * server listens on | loopback (Istio 1.9)            | preserve (Istio 1.10)
 * 127.0.0.1 (lo)    | pong                            | Ncat: Connection reset by peer.
 * pod IP (eth0)     | Ncat: Connection reset by peer. | pong
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PodPatternIT {
  private static final int PORT = 8080;
  private static final String LO_SERVER = "while true; do echo pong | ncat -l 127.0.0.1 8080; done";
  private static final String ETH0_SERVER = "ip=$(ip -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1);"
      + " printf '%s' \"$ECHO_CONF\" > /tmp/echo.conf && nginx -c /tmp/echo.conf &"
      + " while true; do echo pong | ncat -l \"$ip\" 8080; done";

  private Network network;
  private ContainerPod client;
  private final Map<InboundMode, ContainerPod> loPods = new EnumMap<>(InboundMode.class);
  private final Map<InboundMode, ContainerPod> eth0Pods = new EnumMap<>(InboundMode.class);
  private final Map<InboundMode, GenericContainer<?>> proxies = new EnumMap<>(InboundMode.class);

  enum Bind { LO, ETH0 }

  @BeforeAll
  @Timeout(value = 25, unit = TimeUnit.MINUTES) // the first run builds the base images
  void startPods() throws InterruptedException {
    ContainerEnvironment.require();
    network = Network.newNetwork();
    client = ContainerPod.start(network, "netcat-client");
    for (InboundMode mode : InboundMode.values()) {
      loPods.put(mode, meshedPod("netcat-lo-" + mode.label(), mode, LO_SERVER));
      ContainerPod eth0 = meshedPod("netcat-eth0-" + mode.label(), mode, ETH0_SERVER);
      eth0Pods.put(mode, eth0);
      loPods.get(mode).awaitListening("127.0.0.1", PORT);
      eth0.awaitListening(eth0.ip(), PORT);
      eth0.awaitListening("0.0.0.0", 80);
    }
  }

  /** Sandbox, then the init container, then the proxy and the app, as the kubelet starts them. */
  private ContainerPod meshedPod(String name, InboundMode mode, String app) throws InterruptedException {
    ContainerPod pod = ContainerPod.start(network, name);
    InjectedPod injected = InjectedPod.of(name, mode, ContainerEnvironment.IMAGE);
    pod.runInit(injected);
    GenericContainer<?> proxy = pod.startProxy(injected);
    if (name.startsWith("netcat-eth0")) {
      proxies.put(mode, proxy);
    }
    pod.app(app, Map.of("ECHO_CONF", EchoConfig.TEXT));
    return pod;
  }

  @AfterAll
  void stopPods() {
    Stream.concat(loPods.values().stream(), eth0Pods.values().stream()).forEach(ContainerPod::close);
    if (client != null) {
      client.close();
    }
    if (network != null) {
      network.close();
    }
  }

  static Stream<Arguments> matrix() {
    return Stream.of(InboundMode.values()).flatMap(mode -> Stream.of(Bind.values()).map(bind -> Arguments.of(mode, bind)));
  }

  @ParameterizedTest(name = "{0} mode, server on {1}")
  @MethodSource("matrix")
  void theBindAddressDecidesReachabilityAsInSeed004(InboundMode mode, Bind bind) {
    ContainerPod server = bind == Bind.LO ? loPods.get(mode) : eth0Pods.get(mode);
    ExecResult result = client.exec("timeout", "20", "sh", "-c", "echo ping | ncat -w 10 " + server.ip() + " " + PORT);

    boolean reachable = (mode == InboundMode.LOOPBACK) == (bind == Bind.LO);
    String printed = (result.getStdout() + result.getStderr()).trim();
    assertEquals(reachable ? "pong" : "Ncat: Connection reset by peer.", printed, server + ": " + printed);
    assertEquals(reachable ? 0 : 1, result.getExitCode(), printed);
  }

  @ParameterizedTest
  @EnumSource(InboundMode.class)
  void theEchoAppSeesTheAddressesOfSeed000(InboundMode mode) {
    ContainerPod server = eth0Pods.get(mode);
    ExecResult result = client.exec("curl", "-sS", "--max-time", "20", "http://" + server.ip() + "/");
    Map<String, String> fields = fields(result.getStdout());
    if (mode == InboundMode.PRESERVE) {
      // Istio >= 1.10: "Server: 172.16.1.8" (the pod IP), "Remote IP: 127.0.0.6".
      assertEquals(server.ip(), fields.get("Server"), result.toString());
      assertEquals("127.0.0.6", fields.get("Remote IP"), result.toString());
    } else {
      // Istio <= 1.9: both 127.0.0.1.
      assertEquals("127.0.0.1", fields.get("Server"), result.toString());
      assertEquals("127.0.0.1", fields.get("Remote IP"), result.toString());
    }
  }

  @ParameterizedTest
  @EnumSource(InboundMode.class)
  void theProxyRunsAsUid1337OnAReadOnlyRootAndItsWaitCommandWorks(InboundMode mode) throws Exception {
    GenericContainer<?> proxy = proxies.get(mode);
    assertEquals("1337", proxy.execInContainer("id", "-u").getStdout().trim());
    assertNotEquals(0, proxy.execInContainer("touch", "/written").getExitCode(), "the root filesystem is read-only");
    // The postStart hook that holdApplicationUntilProxyStarts adds.
    ExecResult wait = proxy.execInContainer("timeout", "30", "outrigger", "wait", "--timeoutSeconds", "10");
    assertEquals(0, wait.getExitCode(), wait.toString());
  }

  private static Map<String, String> fields(String body) {
    Map<String, String> fields = new LinkedHashMap<>();
    body.lines().forEach(line -> {
      int colon = line.indexOf(": ");
      if (colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 2));
      }
    });
    return fields;
  }
}
