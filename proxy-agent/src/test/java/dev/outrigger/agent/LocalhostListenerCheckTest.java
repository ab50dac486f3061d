package dev.outrigger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.config.InboundMode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalhostListenerCheckTest {
  @TempDir Path dir;

  @Test
  void findsTheLoOnlyPortsExceptTheIgnoredOnesAndCountsThemInTheGauge() throws Exception {
    Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "samples are little-endian");
    Path tcp = Files.writeString(dir.resolve("tcp"), ProcNetTcpTest.TCP);
    Path tcp6 = Files.writeString(dir.resolve("tcp6"), ProcNetTcpTest.TCP6);
    LocalhostListenerCheck check = new LocalhostListenerCheck(List.of(tcp, tcp6), Set.of(18081));
    PrometheusRegistry registry = new PrometheusRegistry();
    check.register(registry);
    check.scan();
    assertEquals(Set.of(18080), check.loopbackOnly());
    assertEquals(1.0, gauge(registry));
    assertTrue(check.readinessLine().startsWith("warning: app listens on localhost only on port(s) 18080:"),
        check.readinessLine());

    // The app rebinds to 0.0.0.0: the next scan clears it.
    Files.writeString(tcp, ProcNetTcpTest.TCP.replace("0100007F:46A0", "00000000:46A0"));
    check.scan();
    assertEquals(Set.of(), check.loopbackOnly());
    assertEquals(0.0, gauge(registry));
    assertEquals("", check.readinessLine());
  }

  @Test
  void aMissingTcp6IsNoIpv6AndAnUnreadableTableKeepsTheLastResult() throws Exception {
    Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "samples are little-endian");
    Path tcp = Files.writeString(dir.resolve("tcp"), ProcNetTcpTest.TCP);
    LocalhostListenerCheck check = new LocalhostListenerCheck(List.of(tcp, dir.resolve("tcp6")), Set.of());
    check.scan();
    assertEquals(Set.of(18080), check.loopbackOnly());
    assertEquals(0, check.scanFailures());

    LocalhostListenerCheck unreadable = new LocalhostListenerCheck(List.of(dir), Set.of()); // a directory
    unreadable.scan();
    assertEquals(1, unreadable.scanFailures());
    assertEquals(Set.of(), unreadable.loopbackOnly());
  }

  @Test
  void aPortTheRulesDoNotCaptureIsNotReported() throws Exception {
    Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "samples are little-endian");
    Path tcp = Files.writeString(dir.resolve("tcp"), ProcNetTcpTest.TCP);
    Path tcp6 = Files.writeString(dir.resolve("tcp6"), ProcNetTcpTest.TCP6);
    LocalhostListenerCheck check = new LocalhostListenerCheck(List.of(tcp, tcp6), Set.of(),
        new CapturedInboundPorts(java.util.Optional.empty(), Set.of(18080)));
    check.scan();
    assertEquals(Set.of(18081), check.loopbackOnly());
  }

  @Test
  void aPortIstiodForwardsToLoopbackIsNotReported() throws Exception {
    Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "samples are little-endian");
    Path tcp = Files.writeString(dir.resolve("tcp"), ProcNetTcpTest.TCP);
    Path tcp6 = Files.writeString(dir.resolve("tcp6"), ProcNetTcpTest.TCP6);
    java.util.concurrent.atomic.AtomicBoolean sidecarResource = new java.util.concurrent.atomic.AtomicBoolean();
    LocalhostListenerCheck check = new LocalhostListenerCheck(List.of(tcp, tcp6), Set.of(), CapturedInboundPorts.ALL,
        port -> sidecarResource.get() && port == 18080);
    check.scan();
    assertEquals(Set.of(18080, 18081), check.loopbackOnly());
    // istiod now sends inbound|18080|| STATIC 127.0.0.1:18080 (ingress.defaultEndpoint): reached, so not reported.
    sidecarResource.set(true);
    check.scan();
    assertEquals(Set.of(18081), check.loopbackOnly());
  }

  @Test
  void theWarningNamesThePortTheConsequenceAndTheFixes() {
    String w = LocalhostListenerCheck.warning(8080);
    assertTrue(w.startsWith("port 8080: the app listens on localhost (127.0.0.1/::1) only"), w);
    assertTrue(w.contains("inbound connections to it are reset"), w);
    assertTrue(w.contains("Istio >= 1.10"), w);
    assertTrue(w.contains("bind the app to 0.0.0.0 or the pod IP"), w);
    assertTrue(w.contains("outrigger.dev/localhostInboundPorts (OUTRIGGER_LOCALHOST_INBOUND_PORTS=8080)"), w);
    assertTrue(w.contains("OUTRIGGER_INBOUND_MODE=loopback"), w);
  }

  @Test
  void appliesOnlyInPreserveMode() {
    assertTrue(LocalhostListenerCheck.applies(InboundMode.PRESERVE));
    assertFalse(LocalhostListenerCheck.applies(InboundMode.LOOPBACK));
  }

  private static double gauge(PrometheusRegistry registry) {
    return registry.scrape().stream()
        .filter(s -> s.getMetadata().getName().equals("outrigger_inbound_localhost_only_listeners"))
        .map(s -> ((GaugeSnapshot) s).getDataPoints().get(0).getValue())
        .findFirst().orElseThrow();
  }
}
