package dev.outrigger.agent.inject;

import java.util.Objects;

/**
 * How injected sidecars reach istiod, when the injector is told the cluster runs one (Istio's
 * mesh-wide values: ProxyConfig discoveryAddress, global.multiCluster.clusterName, global.meshID,
 * meshConfig.trustDomain). Without these settings pods are injected as passthrough sidecars.
 *
 * @param discoveryAddress istiod's host:port, written into PROXY_CONFIG
 * @param clusterId ISTIO_META_CLUSTER_ID (Istio's default Kubernetes)
 * @param meshId ISTIO_META_MESH_ID (Istio: global.meshID, else the trust domain)
 * @param trustDomain TRUST_DOMAIN (Istio's default cluster.local)
 */
public record IstiodSettings(String discoveryAddress, String clusterId, String meshId, String trustDomain) {
  /** ProxyConfig's default (pkg/config/mesh DefaultProxyConfig). */
  public static final String DEFAULT_DISCOVERY_ADDRESS = "istiod.istio-system.svc:15012";
  /** Istio's default cluster name (global.multiCluster.clusterName unset). */
  public static final String DEFAULT_CLUSTER_ID = "Kubernetes";
  /** meshConfig.trustDomain's default (constants.DefaultClusterLocalDomain). */
  public static final String DEFAULT_TRUST_DOMAIN = "cluster.local";

  public IstiodSettings {
    Objects.requireNonNull(discoveryAddress, "discoveryAddress");
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(meshId, "meshId");
    Objects.requireNonNull(trustDomain, "trustDomain");
  }

  /** Istio's defaults, for a cluster with istiod installed as istioctl installs it. */
  public static IstiodSettings standard() {
    return new IstiodSettings(DEFAULT_DISCOVERY_ADDRESS, DEFAULT_CLUSTER_ID, DEFAULT_TRUST_DOMAIN, DEFAULT_TRUST_DOMAIN);
  }
}
