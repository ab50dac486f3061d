package dev.outrigger.it.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.it.PodNetworkTestBase;
import dev.outrigger.it.apps.Ncat;
import dev.outrigger.it.apps.PongServer;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.harness.Waits;
import dev.outrigger.it.sidecar.InboundMode;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.sidecar.SidecarSettings;
import dev.outrigger.it.xds.IstioMtlsShapes.InboundPort;
import dev.outrigger.it.xds.IstioMtlsShapes.PeerAuthentication;
import dev.outrigger.it.xds.IstioMtlsShapes.PortProtocol;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seed 004's lo-bound app behind a preserve-mode sidecar driven by a real ADS server, fixed the
 * Istio way: a Sidecar resource whose {@code ingress} entry names {@code defaultEndpoint:
 * 127.0.0.1:8080}, which istiod turns into a STATIC inbound cluster with the endpoint
 * 127.0.0.1:8080 ({@link SidecarIngressShapes}). Envoy sends the port's traffic to that endpoint
 * whatever the interception mode; so does Outrigger, with no outrigger.dev annotation.
 *
 * <pre>
 * server pod: pong on 127.0.0.1:8080 (lo only), pong on &lt;pod IP&gt;:8081
 * Istio config A (no Sidecar):    inbound|8080|| ORIGINAL_DST            -> pod IP:8080: reset
 * Istio config B (Sidecar ingress):
 *   port 8080 defaultEndpoint 127.0.0.1:8080 -> inbound|8080|| STATIC 127.0.0.1:8080          -> pong
 *   port 9081 defaultEndpoint 0.0.0.0:8081   -> inbound|9081|| STATIC pod IP:8081, bind 127.0.0.6 -> pong
 * </pre>
 */
class SidecarIngressIT extends PodNetworkTestBase {
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);
  private static final int LO_PORT = 8080;
  private static final int ETH0_APP_PORT = 8081;
  private static final int POD_IP_INGRESS_PORT = 9081;
  private static final String LOCALHOST_ONLY_GAUGE = "outrigger_inbound_localhost_only_listeners";

  private ControlPlane controlPlane;
  private Pod client;
  private Pod server;
  private Sidecar sidecar;
  private PongServer loApp;
  private PongServer eth0App;

  @Override
  protected String networkName() {
    return "ingress";
  }

  @BeforeAll
  void startPods() {
    client = network.addPod("client");
    server = network.addPod("server");
    loApp = PongServer.start(server, "127.0.0.1", LO_PORT);
    eth0App = PongServer.start(server, server.ip(), ETH0_APP_PORT);
    controlPlane = ControlPlane.start(network, withoutSidecarResource());
    sidecar = Sidecar.inject(server, InjectedEnvironment.of(server, controlPlane)
        .with(SidecarSettings.INBOUND_MODE, InboundMode.PRESERVE.envValue()));
  }

  @AfterAll
  void stopControlPlane() {
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  /** What istiod sends for a Service port 8080 of this pod, PeerAuthentication DISABLE, no Sidecar resource. */
  private static MeshConfig withoutSidecarResource() {
    return mesh(IstioMtlsShapes.inboundPortCluster(LO_PORT), IstioMtlsShapes.inboundPortCluster(POD_IP_INGRESS_PORT));
  }

  /** The same pod with a Sidecar resource: ingress 8080 -> 127.0.0.1:8080 and 9081 -> 0.0.0.0:8081. */
  private MeshConfig withSidecarIngress() {
    return mesh(SidecarIngressShapes.defaultEndpointCluster(LO_PORT, "127.0.0.1", LO_PORT),
        SidecarIngressShapes.defaultEndpointCluster(POD_IP_INGRESS_PORT, server.ip(), ETH0_APP_PORT));
  }

  private static MeshConfig mesh(Cluster loPortCluster, Cluster podIpPortCluster) {
    List<InboundPort> ports = List.of(
        new InboundPort(LO_PORT, PortProtocol.TCP, PeerAuthentication.DISABLE, "app"),
        new InboundPort(POD_IP_INGRESS_PORT, PortProtocol.TCP, PeerAuthentication.DISABLE, "app"));
    return new MeshConfig(List.of(IstioMtlsShapes.virtualInbound(ports)), List.of(),
        List.of(loPortCluster, podIpPortCluster, IstioShapes.blackHoleCluster(), IstioShapes.passthroughCluster(),
            IstioShapes.inboundPassthroughCluster()),
        List.of());
  }

  private void apply(MeshConfig config) {
    Versions versions = controlPlane.publish(config);
    controlPlane.awaitAcks(versions, ACK_TIMEOUT);
    assertTrue(controlPlane.nacks().isEmpty(), controlPlane.nacks().toString());
  }

  /**
   * Config A then B on the same cell: the lo-bound app is reset without the Sidecar resource (the
   * ORIGINAL_DST cluster dials the pod IP in preserve mode) and answers with it.
   */
  @Test
  void aLocalhostDefaultEndpointMakesTheLoBoundAppAnswerInPreserveMode() {
    apply(withoutSidecarResource());
    loApp.awaitListening();
    CommandResult reset = Ncat.ping(client, server.ip(), LO_PORT);
    assertEquals(Ncat.RESET_BY_PEER, reset.printed(), reset.describe());
    awaitLocalhostOnlyGauge(1.0); // the agent's check reports the reset port

    apply(withSidecarIngress());
    awaitLocalhostOnlyGauge(0.0); // and stops once istiod sends the port to 127.0.0.1
    loApp.awaitListening();
    CommandResult pong = Ncat.ping(client, server.ip(), LO_PORT);
    assertEquals("pong", pong.printed(), pong.describe());
    // The access log names the cluster and its endpoint: the app on lo, through istiod's cluster.
    sidecar.awaitAccessLog("the inbound|8080|| line to 127.0.0.1:8080",
        l -> l.contains("\"127.0.0.1:" + LO_PORT + "\" inbound|" + LO_PORT + "||"));
  }

  private void awaitLocalhostOnlyGauge(double expected) {
    // The check scans every 10 s.
    Waits.until("outrigger_inbound_localhost_only_listeners " + expected, Duration.ofSeconds(25),
        () -> sidecar.metrics(Sidecar.PROMETHEUS_PORT).sum(LOCALHOST_ONLY_GAUGE, Map.of()) == expected);
  }

  /**
   * defaultEndpoint 0.0.0.0:8081: istiod names the pod IP and binds 127.0.0.6, so the proxy's
   * connection to its own pod IP is not captured back into 15006 (ISTIO_OUTPUT RETURNs 127.0.0.6
   * on lo). One connection is one access-log line, to the app, from 127.0.0.6; a recaptured one
   * would log a second line through InboundPassthroughCluster.
   */
  @Test
  void aPodIpDefaultEndpointDialsThePodIpFrom127006() {
    apply(withSidecarIngress());
    eth0App.awaitListening();
    int before = sidecar.flushedAccessLog().size();
    CommandResult pong = Ncat.ping(client, server.ip(), POD_IP_INGRESS_PORT);
    assertEquals("pong", pong.printed(), pong.describe());
    sidecar.awaitAccessLog("the inbound|9081|| line", l -> l.contains("inbound|" + POD_IP_INGRESS_PORT + "||"));
    List<String> lines = sidecar.flushedAccessLog();
    List<String> after = lines.subList(before, lines.size());
    assertEquals(1, after.size(), String.join("\n", after));
    String line = after.get(0);
    assertTrue(line.contains("\"" + server.ip() + ":" + ETH0_APP_PORT + "\""), line);
    assertTrue(line.contains(" " + Sidecar.INBOUND_PASSTHROUGH_BIND + ":"), "upstream local address 127.0.0.6: " + line);
  }
}
