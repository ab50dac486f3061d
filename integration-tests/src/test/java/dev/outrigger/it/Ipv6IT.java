package dev.outrigger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.it.apps.Curl;
import dev.outrigger.it.apps.EchoPage;
import dev.outrigger.it.apps.Ncat;
import dev.outrigger.it.apps.PongServer;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.sidecar.InboundMode;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.sidecar.SidecarSettings;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The seed 004 matrix over IPv6: pods with a global IPv6 address get ip6tables rules and ::6 on lo
 * from the init step, and the proxy reads IP6T_SO_ORIGINAL_DST, binds ::6 in preserve mode and
 * dials ::1 in loopback mode. With TPROXY interception the ip6tables mangle rules divert to the
 * transparent listener, the ip -6 policy route brings the app's replies back, and the app sees the
 * client pod's IPv6 address.
 */
class Ipv6IT extends PodNetworkTestBase {
  private static final int LO_PORT = 8080;
  private static final int ETH0_PORT = 8081;

  private final Map<InboundMode, Pod> servers = new EnumMap<>(InboundMode.class);
  private final Map<InboundMode, Sidecar> sidecars = new EnumMap<>(InboundMode.class);
  private Pod client;
  private EchoPage tproxyApp;

  @Override
  protected String networkName() {
    return "ipv6";
  }

  @BeforeAll
  void startPods() {
    client = withIpv6(network.addPod("client"));
    Sidecar.inject(client, SidecarSettings.inboundMode(InboundMode.PRESERVE));
    for (InboundMode mode : InboundMode.values()) {
      Pod server = withIpv6(network.addPod("server-" + mode.envValue()));
      PongServer.start(server, "::1", LO_PORT);
      PongServer.start(server, ipv6(server), ETH0_PORT);
      sidecars.put(mode, Sidecar.inject(server, SidecarSettings.inboundMode(mode)));
      servers.put(mode, server);
    }
    Pod tproxy = withIpv6(network.addPod("server-tproxy"));
    tproxyApp = EchoPage.startOnIpv6(tproxy, ipv6(tproxy), 80);
    Sidecar.injectTproxy(tproxy, SidecarSettings.inboundMode(InboundMode.PRESERVE));
  }

  @Test
  void withTproxyTheAppSeesTheClientsIpv6Address() {
    Pod server = tproxyApp.pod();
    CommandResult response = Curl.get(client, tproxyApp.url()).requireSuccess();
    Map<String, String> seen = EchoPage.fields(response.stdout());
    assertEquals(ipv6(server), seen.get(EchoPage.SERVER), response.stdout());
    assertEquals(ipv6(client), seen.get(EchoPage.REMOTE_IP), response.stdout());

    String mangle = server.exec("ip6tables", "-t", "mangle", "-S").requireSuccess().stdout();
    assertTrue(mangle.contains("-A ISTIO_TPROXY ! -d ::1/128 -p tcp -j TPROXY --on-port 15006 --on-ip :: --tproxy-mark 0x539/0xffffffff"),
        mangle);
    String rules = server.exec("ip", "-6", "rule", "show").requireSuccess().stdout();
    assertTrue(rules.contains("fwmark 0x539 lookup 133"), rules);
  }

  @ParameterizedTest(name = "{0} mode")
  @EnumSource(InboundMode.class)
  void theBindAddressDecidesReachabilityOverIpv6(InboundMode mode) {
    Pod server = servers.get(mode);
    CommandResult lo = Ncat.ping(client, ipv6(server), LO_PORT);
    CommandResult eth0 = Ncat.ping(client, ipv6(server), ETH0_PORT);
    boolean loopback = mode == InboundMode.LOOPBACK;
    assertEquals(loopback ? "pong" : Ncat.RESET_BY_PEER, lo.printed(), lo.describe());
    assertEquals(loopback ? Ncat.RESET_BY_PEER : "pong", eth0.printed(), eth0.describe());
    String upstreamLocal = loopback ? "[::1]:" : "[::6]:";
    int reachable = loopback ? LO_PORT : ETH0_PORT;
    String line = sidecars.get(mode).awaitAccessLog("inbound IPv6 line for port " + reachable,
        l -> l.contains(" inbound|" + reachable + "|| " + upstreamLocal));
    assertTrue(line.contains(" [" + ipv6(server) + "]:" + reachable + " [" + ipv6(client) + "]:"), line);
  }

  @ParameterizedTest(name = "{0} mode")
  @EnumSource(InboundMode.class)
  void theInitStepProgramsIp6tablesAndColonColon6(InboundMode mode) {
    Pod server = servers.get(mode);
    String rules = server.exec("ip6tables", "-t", "nat", "-S").requireSuccess().stdout();
    assertTrue(rules.contains("-A ISTIO_OUTPUT -s ::6/128 -o lo -j RETURN"), rules);
    assertTrue(rules.contains("-A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006"), rules);
    String lo = server.exec("ip", "-6", "addr", "show", "dev", "lo").requireSuccess().stdout();
    assertTrue(lo.contains("inet6 ::6/128"), lo);
  }

  /** fd99::<last IPv4 octet>: unique in the network, and easy to read next to the IPv4 address. */
  private static String ipv6(Pod pod) {
    return "fd99::" + pod.ip().substring(pod.ip().lastIndexOf('.') + 1);
  }

  private static Pod withIpv6(Pod pod) {
    pod.exec("ip", "-6", "addr", "add", ipv6(pod) + "/64", "dev", "eth0", "nodad").requireSuccess();
    return pod;
  }
}
