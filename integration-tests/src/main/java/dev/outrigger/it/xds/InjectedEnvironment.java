package dev.outrigger.it.xds;

import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.sidecar.SidecarSettings;

/**
 * The environment Istio's injector gives the istio-proxy container (the env of seed 001's
 * kube-inject output), for a pod in namespace default whose Deployment and app label are the
 * pod's name, pointed at a control plane.
 */
public final class InjectedEnvironment {
  private InjectedEnvironment() {}

  public static SidecarSettings of(Pod pod, ControlPlane controlPlane) {
    return SidecarSettings.defaults()
        .with(SidecarSettings.PILOT_ADDRESS, controlPlane.address())
        .with("POD_NAME", pod.name())
        .with("POD_NAMESPACE", IstioShapes.NAMESPACE)
        .with("INSTANCE_IP", pod.ip())
        .with("SERVICE_ACCOUNT", pod.name())
        .with("ISTIO_META_WORKLOAD_NAME", pod.name())
        .with("ISTIO_META_CLUSTER_ID", "Kubernetes")
        .with("ISTIO_META_MESH_ID", "cluster.local")
        .with("ISTIO_META_INTERCEPTION_MODE", "REDIRECT")
        .with("ISTIO_METAJSON_LABELS", "{\"app\":\"" + pod.name() + "\"}");
  }

  /** The node id pilot-agent sends: sidecar~&lt;ip&gt;~&lt;pod&gt;.&lt;ns&gt;~&lt;ns&gt;.svc.cluster.local. */
  public static String nodeId(Pod pod) {
    return "sidecar~" + pod.ip() + "~" + pod.name() + "." + IstioShapes.NAMESPACE + "~" + IstioShapes.NAMESPACE
        + "." + IstioShapes.DOMAIN_SUFFIX;
  }
}
