package dev.outrigger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.it.apps.ToolServer;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.sidecar.InboundMode;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.sidecar.SidecarSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The kubelet's probes, rewritten by the injector to {@code :15020/app-health/...}, against
 * sidecars in preserve mode with Istio's capture rules. The kubelet is played by another network
 * namespace curling podIP:15020, as the kubelet does from the node; ISTIO_KUBE_APP_PROBERS is
 * written here in Istio's JSON, as the injector writes it.
 *
 * <p>Pod "probed": apps on the pod IP; probes go to the pod IP (Istio's default, as the kubelet).
 * Pod "legacy": apps on lo only; REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION=true sends the probes
 * to localhost, and they succeed where the kubelet's own probe of podIP:port is reset.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AppProbeIT extends PodNetworkTestBase {
  private static final int HTTP_PORT = 8080;
  private static final int TCP_PORT = 8081;

  private Pod kubelet;
  private Pod probed;
  private Pod legacy;
  private ToolServer probedHttp;
  private ToolServer legacyHttp;
  private Sidecar probedSidecar;
  private Sidecar legacySidecar;

  @Override
  protected String networkName() {
    return "probes";
  }

  @BeforeAll
  void startPods() {
    kubelet = network.addPod("kubelet");
    probed = network.addPod("probed");
    probedHttp = ToolServer.startHttpApp(probed, probed.ip(), HTTP_PORT);
    ToolServer.startHttpApp(probed, probed.ip(), TCP_PORT);
    probedSidecar = Sidecar.inject(probed, SidecarSettings.inboundMode(InboundMode.PRESERVE)
        .with("INSTANCE_IP", probed.ip())
        .with("ISTIO_KUBE_APP_PROBERS", probers()));
    legacy = network.addPod("legacy");
    legacyHttp = ToolServer.startHttpApp(legacy, "127.0.0.1", HTTP_PORT);
    ToolServer.startHttpApp(legacy, "127.0.0.1", TCP_PORT);
    legacySidecar = Sidecar.inject(legacy, SidecarSettings.inboundMode(InboundMode.PRESERVE)
        .with("INSTANCE_IP", legacy.ip())
        .with("REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION", "true")
        .with("ISTIO_KUBE_APP_PROBERS", probers()));
  }

  /** What Istio's injector writes for a container "app" with an httpGet readiness and a tcpSocket liveness probe. */
  private static String probers() {
    return "{\"/app-health/app/readyz\":{\"httpGet\":{\"path\":\"/ready\",\"port\":" + HTTP_PORT
        + ",\"scheme\":\"HTTP\"},\"timeoutSeconds\":1},"
        + "\"/app-health/app/livez\":{\"tcpSocket\":{\"port\":" + TCP_PORT + "},\"timeoutSeconds\":1}}";
  }

  @Test
  @Order(1)
  void theRewrittenProbesOfAnAppOnThePodIpSucceed() {
    assertEquals("200", kubeletProbe(probed, "/app-health/app/readyz"));
    assertEquals("200", kubeletProbe(probed, "/app-health/app/livez"));
    assertEquals("400", kubeletProbe(probed, "/app-health/other/readyz"), "no such probe: 400, as Istio");
    // The agent's connections to the app bypass capture (source 127.0.0.6): the inbound proxy never saw them.
    List<String> inbound = probedSidecar.flushedAccessLog().stream()
        .filter(line -> line.contains("inbound|" + HTTP_PORT + "|") || line.contains("inbound|" + TCP_PORT + "|")).toList();
    assertEquals(List.of(), inbound);
  }

  @Test
  @Order(2)
  void anAppOnLoOnlyIsProbedOnLocalhostUnderTheLegacySettingWhereTheDirectProbeIsReset() {
    assertEquals("200", kubeletProbe(legacy, "/app-health/app/readyz"));
    assertEquals("200", kubeletProbe(legacy, "/app-health/app/livez"));
    // The kubelet's original probe of the app port: captured, relayed to podIP:8080 in preserve
    // mode, where nothing listens; the proxy answers 503 (or the connection is reset): a failure.
    CommandResult direct = kubelet.exec(Duration.ofSeconds(15), List.of("curl", "-sS", "-o", "/dev/null",
        "-w", "%{http_code}", "--max-time", "5", "http://" + legacy.ip() + ":" + HTTP_PORT + "/ready"));
    int code = Integer.parseInt(direct.stdout().strip());
    assertTrue(code == 0 || code >= 400, "the kubelet counts 200-399 as success: " + direct.describe());
    // That one went through the inbound proxy (and shows the access-log check above would see one).
    legacySidecar.awaitAccessLog("the direct probe's inbound line", line -> line.contains("inbound|" + HTTP_PORT + "|"));
  }

  @Test
  @Order(3)
  void theProbesFailWhenTheAppIsDown() {
    probedHttp.process().close();
    legacyHttp.process().close();
    assertEquals("500", kubeletProbe(probed, "/app-health/app/readyz"));
    assertEquals("500", kubeletProbe(legacy, "/app-health/app/readyz"));
    // The TCP apps are still up.
    assertEquals("200", kubeletProbe(probed, "/app-health/app/livez"));
  }

  /** The status code of GET podIP:15020/path from another network namespace (000: no answer). */
  private String kubeletProbe(Pod pod, String path) {
    CommandResult probe = kubelet.exec(Duration.ofSeconds(15), List.of("curl", "-s", "-o", "/dev/null",
        "-w", "%{http_code}", "--max-time", "5", "-A", "kube-probe/1.30",
        "http://" + pod.ip() + ":" + Sidecar.AGENT_PORT + path));
    return probe.stdout().strip();
  }
}
