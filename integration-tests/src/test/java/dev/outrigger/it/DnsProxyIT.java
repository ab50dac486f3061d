package dev.outrigger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.it.harness.BackgroundProcess;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.harness.Waits;
import dev.outrigger.it.sidecar.InboundMode;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.sidecar.SidecarSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DNS capture with the agent's DNS proxy: dnsmasq in a pod of its own is the cluster DNS, the
 * app pod's resolv.conf names it (ip netns exec mounts /etc/netns/NAME/resolv.conf), the capture
 * rules of {@code outrigger iptables --redirect-dns} send the app's :53 to that address to 15053
 * (with the raw table's conntrack zones), and real resolvers ask (dig, getent). A dual-stack pod
 * names the cluster DNS by both addresses: ip6tables sends the IPv6 ones to the proxy on [::1]. The
 * name table is a static one (OUTRIGGER_DNS_NAME_TABLE), not istiod's NDS.
 */
class DnsProxyIT extends PodNetworkTestBase {
  private static final String SEARCH = "default.svc.cluster.local svc.cluster.local cluster.local";
  private static final Duration UPSTREAM_TIMEOUT = Duration.ofSeconds(1);

  private Pod dnsServer;
  private Pod app;
  /** A dual-stack pod: resolv.conf names the cluster DNS by its IPv4 and its IPv6 address. */
  private Pod dualStack;
  private Pod orphan;
  private final List<Path> netnsDirs = new ArrayList<>();
  private Path nameTable;

  @Override
  protected String networkName() {
    return "dns";
  }

  @BeforeAll
  void startPods() throws IOException {
    dnsServer = withIpv6(network.addPod("dnsmasq"));
    startDnsmasq(dnsServer);
    nameTable = Files.createTempFile("outrigger-dns-names", ".txt",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
    Files.writeString(nameTable, """
        reviews.default.svc.cluster.local 10.10.0.5 reviews.default
        ratings.other.svc.cluster.local 10.10.0.6 ratings.other
        api.example.com 240.240.0.1
        """);
    app = sidecarPod(network.addPod("app"), dnsServer.ip());
    // A pod whose nameserver does not exist: every forwarded query times out upstream.
    orphan = sidecarPod(network.addPod("orphan"), "10.99.0.250");
    dualStack = sidecarPod(withIpv6(network.addPod("dual")), dnsServer.ip(), ipv6(dnsServer));
    String rules = dualStack.exec("ip6tables", "-t", "nat", "-S", "ISTIO_OUTPUT_DNS").requireSuccess().stdout();
    assertTrue(rules.contains("-d " + ipv6(dnsServer) + "/128 -p udp -m udp --dport 53 -j REDIRECT --to-ports 15053"),
        rules);
  }

  private static String ipv6(Pod pod) {
    return "fd99::" + pod.ip().substring(pod.ip().lastIndexOf('.') + 1);
  }

  private static Pod withIpv6(Pod pod) {
    pod.exec("ip", "-6", "addr", "add", ipv6(pod) + "/64", "dev", "eth0", "nodad").requireSuccess();
    return pod;
  }

  private Pod sidecarPod(Pod pod, String... nameservers) throws IOException {
    String nameserver = nameservers[0];
    Path dir = Path.of("/etc/netns", pod.netns());
    Files.createDirectories(dir);
    netnsDirs.add(dir);
    StringBuilder resolv = new StringBuilder();
    for (String server : nameservers) {
      resolv.append("nameserver ").append(server).append('\n');
    }
    Files.writeString(dir.resolve("resolv.conf"), resolv + "search " + SEARCH + "\noptions ndots:5\n");
    // `outrigger iptables --redirect-dns` inside the pod reads that resolv.conf (ip netns exec mounts it).
    Sidecar.injectWithDnsCapture(pod, SidecarSettings.inboundMode(InboundMode.PRESERVE)
        .with("POD_NAMESPACE", "default")
        .with("OUTRIGGER_DNS_NAME_TABLE", nameTable.toString())
        .with("OUTRIGGER_DNS_UPSTREAM_TIMEOUT", UPSTREAM_TIMEOUT.toMillis() + "ms"));
    String rules = pod.exec("iptables", "-t", "nat", "-S", "ISTIO_OUTPUT_DNS").requireSuccess().stdout();
    assertTrue(rules.contains("-d " + nameserver + "/32 -p udp -m udp --dport 53 -j REDIRECT --to-ports 15053"), rules);
    return pod;
  }

  /** dnsmasq as the cluster DNS: upstream.test, 100 addresses for big.test, NXDOMAIN for the rest of .test. */
  private void startDnsmasq(Pod pod) throws IOException {
    Path hosts = pod.workDir().resolve("big.hosts");
    StringBuilder lines = new StringBuilder();
    for (int i = 1; i <= 100; i++) {
      lines.append("192.0.").append(3 + i / 250).append('.').append(i % 250).append(" big.test\n");
    }
    Files.writeString(hosts, lines);
    hosts.toFile().setReadable(true, false);
    pod.workDir().toFile().setExecutable(true, false);
    BackgroundProcess dnsmasq = pod.start("dnsmasq", List.of("dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
        "--no-resolv", "--no-hosts", "--pid-file=", "--user=root", "--bind-interfaces", "--listen-address=" + pod.ip() + "," + ipv6(pod),
        "--address=/upstream.test/192.0.2.10", "--local=/test/", "--addn-hosts=" + hosts, "--log-queries",
        "--log-facility=-"));
    Waits.until("dnsmasq answering", Duration.ofSeconds(10), () -> dnsmasq.isAlive()
        && pod.exec("dig", "+short", "+time=1", "+tries=1", "@" + pod.ip(), "upstream.test").stdout().contains("192.0.2.10"));
  }

  @AfterAll
  void removeResolvConfs() throws IOException {
    for (Path dir : netnsDirs) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    if (nameTable != null) {
      Files.deleteIfExists(nameTable);
    }
  }

  private CommandResult dig(Pod pod, String... args) {
    List<String> argv = new ArrayList<>(List.of("dig", "+time=5", "+tries=1"));
    argv.addAll(List.of(args));
    return pod.exec(Duration.ofSeconds(20), argv);
  }

  @Test
  void meshNameIsAnsweredByTheProxyAuthoritatively() {
    CommandResult result = dig(app, "reviews.default.svc.cluster.local");
    assertTrue(result.stdout().contains("status: NOERROR"), result.describe());
    assertTrue(result.stdout().matches("(?s).*flags: qr aa rd.*"), "answered by the proxy: " + result.describe());
    assertTrue(result.stdout().matches("(?s).*reviews\\.default\\.svc\\.cluster\\.local\\.\\s+30\\s+IN\\s+A\\s+10\\.10\\.0\\.5.*"),
        result.describe());
  }

  @Test
  void inADualStackPodQueriesToTheIpv6NameserverReachTheProxyOnIpv6Loopback() {
    // ip6tables redirects them to [::1]:15053: the proxy listens there because resolv.conf names an IPv6 server.
    CommandResult mesh = dig(dualStack, "@" + ipv6(dnsServer), "reviews.default.svc.cluster.local");
    assertTrue(mesh.stdout().matches("(?s).*flags: qr aa rd.*"), "answered by the proxy: " + mesh.describe());
    assertTrue(mesh.stdout().contains("10.10.0.5"), mesh.describe());
    assertEquals("192.0.2.10", dig(dualStack, "+short", "@" + ipv6(dnsServer), "upstream.test").stdout().trim());
    assertEquals("192.0.2.10", dig(dualStack, "+short", "@" + dnsServer.ip(), "upstream.test").stdout().trim());
  }

  @Test
  void shortNamesResolveThroughTheSearchPathWithGetent() {
    CommandResult result = app.exec("getent", "hosts", "reviews");
    assertEquals(0, result.exitCode(), result.describe());
    assertTrue(result.stdout().startsWith("10.10.0.5"), result.describe());
    CommandResult external = app.exec("getent", "hosts", "api.example.com");
    assertTrue(external.stdout().startsWith("240.240.0.1"), external.describe());
    // Another namespace's service by its bare name: not ours, and the cluster DNS does not know it either.
    assertEquals(2, app.exec("getent", "hosts", "ratings").exitCode());
  }

  @Test
  void otherNamesAreForwardedToTheClusterDns() {
    CommandResult result = dig(app, "+short", "upstream.test");
    assertEquals("192.0.2.10", result.stdout().trim(), result.describe());
  }

  @Test
  void nxdomainComesBackFromTheClusterDns() {
    CommandResult result = dig(app, "nothing.test");
    assertTrue(result.stdout().contains("status: NXDOMAIN"), result.describe());
  }

  @Test
  void truncatedReplyMakesTheResolverRetryOverTcpThroughTheProxy() {
    CommandResult result = dig(app, "big.test");
    assertTrue(result.stdout().contains("Truncated, retrying in TCP mode"), result.describe());
    assertTrue(result.stdout().contains("ANSWER: 100"), result.describe());
  }

  @Test
  void unreachableUpstreamIsServfailWithinTheTimeout() {
    long started = System.nanoTime();
    CommandResult result = dig(orphan, "upstream.test");
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertTrue(result.stdout().contains("status: SERVFAIL"), result.describe());
    assertTrue(millis < UPSTREAM_TIMEOUT.toMillis() + 3000, "took " + millis + " ms");
    // Mesh names still answer without any upstream.
    assertEquals("10.10.0.5", dig(orphan, "+short", "reviews.default.svc.cluster.local").stdout().trim());
  }
}
