package dev.outrigger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.it.harness.BackgroundProcess;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.harness.Waits;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.xds.BookinfoMesh;
import dev.outrigger.it.xds.ControlPlane;
import dev.outrigger.it.xds.InjectedEnvironment;
import dev.outrigger.it.xds.NameTable;
import dev.outrigger.it.xds.NameTable.Host;
import dev.outrigger.it.xds.IstioShapes.OutboundPolicy;
import dev.outrigger.it.xds.IstioShapes.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DNS capture with istiod's name table: the sidecar connects to the harness's control plane
 * (xDS on 10.99.0.1:15010), which sends it LDS/CDS/EDS and, on the same ADS stream, NDS, as
 * istiod does for a proxy with ISTIO_META_DNS_CAPTURE=true. dnsmasq in a pod of its own is the
 * cluster DNS the pod's resolv.conf names. The table holds what istiod's BuildNameTable makes of a
 * Kubernetes Service (its VIP, registry "Kubernetes", short name and namespace) and of a
 * ServiceEntry host with an auto-allocated address (240.240.0.0/16, registry "External"); a new
 * table version replaces the answers without a restart.
 */
class NdsDnsIT extends PodNetworkTestBase {
  private static final String SEARCH = "default.svc.cluster.local svc.cluster.local cluster.local";
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);
  private static final String REVIEWS = "reviews.default.svc.cluster.local";
  private static final String DETAILS = "details.default.svc.cluster.local";
  /** A ServiceEntry host that dnsmasq also knows, by another address: who answered shows in the address. */
  private static final String PARTNER = "api.partner.test";
  private static final String PARTNER_AUTO_ALLOCATED = "240.240.0.1";
  private static final String PARTNER_UPSTREAM = "192.0.2.20";

  private static final NameTable TABLE = new NameTable(Map.of(
      REVIEWS, Host.kubernetesService("reviews", "default", BookinfoMesh.REVIEWS_VIP),
      PARTNER, Host.serviceEntry(PARTNER_AUTO_ALLOCATED)));
  /** The next push: the ServiceEntry deleted, the details Service created. */
  private static final NameTable NEXT_TABLE = new NameTable(Map.of(
      REVIEWS, Host.kubernetesService("reviews", "default", BookinfoMesh.REVIEWS_VIP),
      DETAILS, Host.kubernetesService("details", "default", BookinfoMesh.DETAILS_VIP)));

  private Pod dnsServer;
  private Pod app;
  private ControlPlane controlPlane;
  private Sidecar sidecar;
  private Path netnsDir;

  @Override
  protected String networkName() {
    return "ndsdns";
  }

  @BeforeAll
  void start() throws IOException {
    dnsServer = network.addPod("dnsmasq");
    startDnsmasq(dnsServer);
    List<Workload> none = List.of();
    controlPlane = ControlPlane.start(network,
        BookinfoMesh.of(OutboundPolicy.ALLOW_ANY, none, none, none, none, none).config());
    app = network.addPod("app");
    netnsDir = Path.of("/etc/netns", app.netns());
    Files.createDirectories(netnsDir);
    Files.writeString(netnsDir.resolve("resolv.conf"),
        "nameserver " + dnsServer.ip() + "\nsearch " + SEARCH + "\noptions ndots:5\n");
    sidecar = Sidecar.injectWithDnsCapture(app, InjectedEnvironment.of(app, controlPlane));
    controlPlane.awaitAcks(controlPlane.versions(), ACK_TIMEOUT);
    publish(TABLE);
  }

  /** dnsmasq as the cluster DNS: upstream.test and api.partner.test by its own addresses, NXDOMAIN for the rest of .test. */
  private static void startDnsmasq(Pod pod) {
    BackgroundProcess dnsmasq = pod.start("dnsmasq", List.of("dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
        "--no-resolv", "--no-hosts", "--pid-file=", "--user=root", "--bind-interfaces", "--listen-address=" + pod.ip(),
        "--address=/upstream.test/192.0.2.10", "--address=/" + PARTNER + "/" + PARTNER_UPSTREAM, "--local=/test/",
        "--log-queries", "--log-facility=-"));
    Waits.until("dnsmasq answering", Duration.ofSeconds(10), () -> dnsmasq.isAlive()
        && pod.exec("dig", "+short", "+time=1", "+tries=1", "@" + pod.ip(), "upstream.test").stdout().contains("192.0.2.10"));
  }

  @AfterAll
  void stop() throws IOException {
    if (controlPlane != null) {
      controlPlane.close();
    }
    if (netnsDir != null) {
      try (Stream<Path> files = Files.walk(netnsDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private void publish(NameTable table) {
    String version = controlPlane.publishNameTable(table);
    try {
      controlPlane.awaitNameTableAck(version, ACK_TIMEOUT);
    } catch (RuntimeException e) {
      throw new AssertionError(e.getMessage() + "\nthe sidecar's log:\n" + sidecar.process().describeOutput(), e);
    }
  }

  private CommandResult dig(String... args) {
    List<String> argv = new ArrayList<>(List.of("dig", "+time=5", "+tries=1"));
    argv.addAll(List.of(args));
    return app.exec(Duration.ofSeconds(20), argv);
  }

  private void assertAnsweredByTheProxy(String name, String address) {
    CommandResult result = dig(name);
    String owner = (name.endsWith(".") ? name : name + ".").replace(".", "\\.");
    assertTrue(result.stdout().contains("status: NOERROR"), result.describe());
    assertTrue(result.stdout().matches("(?s).*flags: qr aa rd.*"), "answered by the proxy: " + result.describe());
    assertTrue(result.stdout().matches("(?s).*\\n" + owner + "\\s+30\\s+IN\\s+A\\s+" + address.replace(".", "\\.") + "\\n.*"),
        result.describe());
  }

  @Test
  void aKubernetesServiceFromNdsIsAnsweredByItsFqdnNameDotNamespaceAndShortName() {
    assertAnsweredByTheProxy(REVIEWS, BookinfoMesh.REVIEWS_VIP);
    assertAnsweredByTheProxy("reviews.default", BookinfoMesh.REVIEWS_VIP);
    assertAnsweredByTheProxy("reviews", BookinfoMesh.REVIEWS_VIP); // the pod's own namespace
    CommandResult getent = app.exec("getent", "hosts", "reviews");
    assertTrue(getent.stdout().startsWith(BookinfoMesh.REVIEWS_VIP), getent.describe());
  }

  @Test
  void aServiceEntryHostFromNdsIsAnsweredWithItsAutoAllocatedAddress() {
    assertAnsweredByTheProxy(PARTNER, PARTNER_AUTO_ALLOCATED);
  }

  @Test
  void namesNotInTheTableGoToTheClusterDns() {
    assertEquals("192.0.2.10", dig("+short", "upstream.test").stdout().trim());
    CommandResult unknown = dig("nothing.test");
    assertTrue(unknown.stdout().contains("status: NXDOMAIN"), unknown.describe());
  }

  @Test
  void aNewTableVersionReplacesTheAnswers() {
    try {
      publish(NEXT_TABLE);
      // The ServiceEntry is gone: its host is the cluster DNS's again.
      CommandResult partner = dig(PARTNER);
      assertTrue(partner.stdout().contains(PARTNER_UPSTREAM), partner.describe());
      assertTrue(!partner.stdout().contains(PARTNER_AUTO_ALLOCATED), partner.describe());
      assertAnsweredByTheProxy(DETAILS, BookinfoMesh.DETAILS_VIP);
      assertAnsweredByTheProxy("details", BookinfoMesh.DETAILS_VIP);
      assertAnsweredByTheProxy(REVIEWS, BookinfoMesh.REVIEWS_VIP);
    } finally {
      publish(TABLE);
    }
    assertAnsweredByTheProxy(PARTNER, PARTNER_AUTO_ALLOCATED);
    CommandResult details = dig(DETAILS);
    assertTrue(!details.stdout().contains(BookinfoMesh.DETAILS_VIP), "no longer ours: " + details.describe());
  }
}
