package dev.outrigger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.it.harness.BackgroundProcess;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.harness.Waits;
import dev.outrigger.it.sidecar.InboundMode;
import dev.outrigger.it.sidecar.Outrigger;
import dev.outrigger.it.sidecar.ProxyStats;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.sidecar.SidecarSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Readiness on the status port, the admin endpoints, `bin/outrigger wait` and startup errors. */
class ReadinessIT extends PodNetworkTestBase {
  private static final List<String> COUNTERS = List.of("downstream_cx_total", "downstream_cx_active",
      "downstream_cx_loop_refused", "downstream_cx_no_original_dst", "upstream_cx_connect_fail",
      "upstream_cx_connect_timeout", "upstream_cx_reset", "downstream_cx_reset", "idle_timeout",
      "bytes_received", "bytes_sent");
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

  private Pod client;
  private Sidecar sidecar;

  @Override
  protected String networkName() {
    return "ready";
  }

  @BeforeAll
  void startPods() {
    client = network.addPod("client");
    sidecar = Sidecar.inject(network.addPod("server"), SidecarSettings.inboundMode(InboundMode.PRESERVE));
  }

  @Test
  void readyOnTheStatusPortFromOtherPodsAndOnTheAdminPort() {
    // 15021 is excluded from capture, so the kubelet (here: another pod) reaches it directly.
    CommandResult probe = client.exec("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
        "http://" + sidecar.pod().ip() + ":" + Sidecar.STATUS_PORT + "/healthz/ready");
    assertEquals("200", probe.stdout(), probe.describe());
    assertEquals(200, sidecar.adminStatus("GET", "/ready"));
  }

  /**
   * From another pod, :15000 is captured like any app port and relayed to the pod IP, where the
   * admin port does not listen: whatever answers (a reset, or the proxy's own 503), it is not /ready's 200.
   */
  @Test
  void adminPortListensOnLocalhostOnly() {
    CommandResult fromOtherPod = client.exec("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
        "http://" + sidecar.pod().ip() + ":" + Sidecar.ADMIN_PORT + "/ready");
    assertNotEquals("200", fromOtherPod.stdout(), fromOtherPod.describe());
  }

  @Test
  void statsListEveryCounterForBothListeners() {
    ProxyStats stats = sidecar.stats();
    for (String counter : COUNTERS) {
      stats.inbound(counter);
      stats.outbound(counter);
    }
  }

  @Test
  void configDumpIsJson() throws IOException {
    String body = sidecar.admin("GET", "/config_dump").requireSuccess().stdout();
    JsonNode dump = new ObjectMapper().readTree(body);
    assertTrue(dump.isObject(), body);
  }

  @Test
  void drainEndpointTurnsReadinessTo503() {
    Sidecar draining = Sidecar.inject(network.addPod("server-drain"), SidecarSettings.inboundMode(InboundMode.PRESERVE));
    assertEquals(200, draining.readiness());

    draining.admin("POST", "/drain").requireSuccess();

    Waits.until("readiness 503 after POST /drain", Duration.ofSeconds(5), () -> draining.readiness() == 503);
  }

  @Test
  void quitQuitQuitStopsTheProxyCleanly() {
    Sidecar quitting = Sidecar.inject(network.addPod("server-quit"), SidecarSettings.inboundMode(InboundMode.PRESERVE));

    quitting.admin("POST", "/quitquitquit");

    assertEquals(0, quitting.awaitExit(EXIT_TIMEOUT), quitting.process().describeOutput());
  }

  /** holdApplicationUntilProxyStarts: `wait` blocks until the sidecar is ready, then exits 0. */
  @Test
  void waitReturnsOnceTheProxyIsReady() {
    Pod pod = network.addPod("server-late");
    Outrigger.iptables(pod, Outrigger.ISTIO_DEFAULT_IPTABLES_FLAGS).requireSuccess();
    BackgroundProcess waiting = pod.start("wait", List.of(Outrigger.launcher().toString(), "wait",
        "--timeoutSeconds", "60", "--periodMillis", "100"));

    Sidecar late = Sidecar.startProxy(pod, SidecarSettings.inboundMode(InboundMode.PRESERVE));

    assertEquals(0, waiting.awaitExit(Duration.ofSeconds(60)), waiting.describeOutput());
    assertEquals(200, late.readiness(), "wait returned, so the proxy must be ready");
  }

  @Test
  void waitFailsWhenNoProxyBecomesReady() {
    Pod pod = network.addPod("no-proxy");
    long started = System.nanoTime();

    CommandResult result = Outrigger.await(pod, EXIT_TIMEOUT, List.of("--timeoutSeconds", "2", "--periodMillis", "100"));

    assertNotEquals(0, result.exitCode(), result.describe());
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertTrue(took.compareTo(Duration.ofSeconds(2)) >= 0, "gave up after " + took + ", before its timeout");
  }

  @Test
  void unknownInboundModeIsAStartupError() {
    Pod pod = network.addPod("bad-mode");
    Sidecar bad = Sidecar.startProxy(pod, SidecarSettings.defaults().with(SidecarSettings.INBOUND_MODE, "sideways"));

    assertNotEquals(0, bad.awaitExit(EXIT_TIMEOUT), bad.process().describeOutput());
    assertTrue(String.join("\n", bad.process().stderrLines()).contains(SidecarSettings.INBOUND_MODE),
        "the error names the variable\n" + bad.process().describeOutput());
  }
}
