package dev.outrigger.agent.probe;

import java.time.Duration;

/**
 * One of the app's original Kubernetes probes, as Istio's injector moved it into
 * ISTIO_KUBE_APP_PROBERS: the agent performs it when the kubelet asks 15020 for its path.
 */
public sealed interface AppProbe permits AppProbe.HttpGet, AppProbe.TcpSocket, AppProbe.Grpc {
  /** The app's port (named ports were resolved to numbers by the injector). */
  int port();

  /** How long the whole probe may take (Kubernetes' timeoutSeconds). */
  Duration timeout();

  /**
   * httpGet. The probe's own httpHeaders and host are not used here, as in Istio's agent: the
   * rewritten kubelet probe keeps them, so they arrive on the request to 15020 and are passed on.
   *
   * @param path the app's path, always starting with "/"
   * @param https scheme HTTPS: TLS without certificate verification, as the kubelet does
   */
  record HttpGet(int port, String path, boolean https, Duration timeout) implements AppProbe {}

  /** tcpSocket: the probe succeeds when a connection opens. */
  record TcpSocket(int port, Duration timeout) implements AppProbe {}

  /** grpc: grpc.health.v1.Health/Check for {@code service} ("" asks about the whole server). */
  record Grpc(int port, String service, Duration timeout) implements AppProbe {}
}
