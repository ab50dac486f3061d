package dev.outrigger.it.xds;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.it.PodNetworkTestBase;
import dev.outrigger.it.apps.ToolJvm;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.sidecar.Outrigger;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.xds.IstioShapes.OutboundPolicy;
import dev.outrigger.it.xds.IstioShapes.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The harness's control plane on its own, without Outrigger: a real ADS client (gRPC, the Envoy
 * API) inside a pod reaches it at 10.99.0.1:15010, gets the snapshot, and its ACK is recorded;
 * in a pod with Istio's nat rules the proxy's group passes them, as the sidecar's connection to
 * istiod must; stop makes the address refuse, restart serves what was published meanwhile.
 */
class ControlPlaneIT extends PodNetworkTestBase {
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);
  private static final String REVIEWS_V1 = IstioShapes.outboundCluster(9080, "v1", "reviews");

  private Pod plain;
  private Pod captured;
  private BookinfoMesh mesh;
  private ControlPlane controlPlane;

  @Override
  protected String networkName() {
    return "xdscp";
  }

  @BeforeAll
  void start() {
    plain = network.addPod("plain");
    captured = network.addPod("captured");
    Outrigger.iptables(captured, Outrigger.ISTIO_DEFAULT_IPTABLES_FLAGS).requireSuccess();
    List<Workload> none = List.of();
    mesh = BookinfoMesh.of(OutboundPolicy.REGISTRY_ONLY, none, none, none,
        List.of(new Workload("reviews-v1", "10.99.0.200", 9080, "reviews", "v1")), none);
    controlPlane = ControlPlane.start(network, mesh.config());
  }

  @AfterAll
  void stop() {
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  @Test
  void aPodGetsTheSnapshotOverAdsAndItsAckIsRecorded() {
    CommandResult probe = probe(plain, List.of());
    String version = controlPlane.versions().of(XdsType.CLUSTER);
    assertAll(probe.describe(),
        () -> assertEquals(0, probe.exitCode()),
        () -> assertTrue(probe.stdout().lines().anyMatch(("version " + version)::equals)),
        () -> assertTrue(probe.stdout().lines().anyMatch(("cluster " + REVIEWS_V1)::equals)),
        () -> assertTrue(probe.stdout().lines().anyMatch(("cluster " + IstioShapes.BLACK_HOLE_CLUSTER)::equals)));
    ControlPlane.Request ack = controlPlane.awaitAck(XdsType.CLUSTER, version, Duration.ofSeconds(10));
    assertEquals(InjectedEnvironment.nodeId(plain), ack.nodeId());
  }

  /** The sidecar runs as uid/gid 1337, which Istio's rules return before the redirect; anyone else is captured. */
  @Test
  void inASidecarPodTheProxyGroupPassesIptablesAndOthersAreCaptured() {
    List<String> proxyGroup = List.of("setpriv", "--regid=" + Sidecar.PROXY_UID, "--clear-groups");
    CommandResult asProxy = probe(captured, proxyGroup);
    assertEquals(0, asProxy.exitCode(), asProxy.describe());

    // Redirected to 15001, where no proxy listens in this pod.
    CommandResult asApp = probe(captured, List.of());
    assertNotEquals(0, asApp.exitCode(), asApp.describe());
  }

  @Test
  void stoppedItRefusesAndRestartedItServesWhatWasPublishedMeanwhile() {
    String before = controlPlane.versions().of(XdsType.CLUSTER);
    String extra = IstioShapes.outboundCluster(9080, "", "extra");
    MeshConfig base = mesh.config();
    MeshConfig withExtra = new MeshConfig(base.listeners(), base.routes(),
        IstioShapes.concat(base.clusters(), List.of(IstioShapes.edsCluster(extra, "extra"))),
        IstioShapes.concat(base.endpoints(), List.of(IstioShapes.endpoints(extra, List.of()))));
    controlPlane.stop();
    try {
      CommandResult whileStopped = probe(plain, List.of());
      assertNotEquals(0, whileStopped.exitCode(), whileStopped.describe());
      controlPlane.publish(withExtra);
    } finally {
      controlPlane.restart();
    }
    String after = controlPlane.versions().of(XdsType.CLUSTER);
    CommandResult afterRestart = probe(plain, List.of());
    try {
      assertAll(afterRestart.describe(),
          () -> assertNotEquals(before, after),
          () -> assertEquals(0, afterRestart.exitCode()),
          () -> assertTrue(afterRestart.stdout().lines().anyMatch(("version " + after)::equals)),
          () -> assertTrue(afterRestart.stdout().lines().anyMatch(("cluster " + extra)::equals)));
    } finally {
      controlPlane.publish(base);
    }
  }

  private CommandResult probe(Pod pod, List<String> prefix) {
    List<String> argv = new ArrayList<>(prefix);
    argv.addAll(ToolJvm.commandWithLibraries(AdsProbe.class, ControlPlane.ADDRESS, InjectedEnvironment.nodeId(pod)));
    return pod.exec(PROBE_TIMEOUT, argv);
  }
}
