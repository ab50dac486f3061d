package dev.outrigger.it.demo;

import dev.outrigger.it.apps.EchoPage;
import dev.outrigger.it.apps.PongServer;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.harness.PodNetwork;
import dev.outrigger.it.sidecar.InboundMode;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.sidecar.SidecarSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's pods: two clients (with and without sidecar) and four server pods (Istio 1.9
 * behaviour, Istio 1.10 behaviour, Istio 1.10 with TPROXY interception, no mesh), each running seed
 * 004's two pong servers and seed 000's nginx echo page.
 */
public final class DemoCluster {
  public static final int LO_PORT = 8080;
  public static final int ETH0_PORT = 8081;
  public static final int ECHO_PORT = 80;

  /** A server pod: its label for the tables, its apps and its sidecar (null: no mesh). */
  public record Server(String label, Pod pod, PongServer lo, PongServer eth0, EchoPage echo, Sidecar sidecar) {}

  private final Pod plainClient;
  private final Pod meshedClient;
  private final Sidecar meshedClientSidecar;
  private final List<Server> servers = new ArrayList<>();

  public DemoCluster(PodNetwork network) {
    plainClient = network.addPod("client");
    meshedClient = network.addPod("client-sidecar");
    meshedClientSidecar = Sidecar.inject(meshedClient, SidecarSettings.inboundMode(InboundMode.PRESERVE));
    servers.add(server(network, "rev-1-9", "loopback (Istio 1.9)", InboundMode.LOOPBACK));
    servers.add(server(network, "rev-1-10", "preserve (Istio 1.10)", InboundMode.PRESERVE));
    servers.add(server(network, "tproxy", "preserve, TPROXY", InboundMode.PRESERVE, true));
    servers.add(server(network, "nomesh", "no sidecar", null));
  }

  private static Server server(PodNetwork network, String name, String label, InboundMode mode) {
    return server(network, name, label, mode, false);
  }

  private static Server server(PodNetwork network, String name, String label, InboundMode mode, boolean tproxy) {
    Pod pod = network.addPod(name);
    PongServer lo = PongServer.start(pod, "127.0.0.1", LO_PORT);
    PongServer eth0 = PongServer.start(pod, pod.ip(), ETH0_PORT);
    EchoPage echo = EchoPage.start(pod, ECHO_PORT);
    Sidecar sidecar = mode == null ? null
        : tproxy ? Sidecar.injectTproxy(pod, SidecarSettings.inboundMode(mode))
        : Sidecar.inject(pod, SidecarSettings.inboundMode(mode));
    return new Server(label, pod, lo, eth0, echo, sidecar);
  }

  public Pod plainClient() {
    return plainClient;
  }

  public Pod meshedClient() {
    return meshedClient;
  }

  public Sidecar meshedClientSidecar() {
    return meshedClientSidecar;
  }

  public List<Server> servers() {
    return List.copyOf(servers);
  }
}
