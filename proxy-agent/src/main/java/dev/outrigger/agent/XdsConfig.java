package dev.outrigger.agent;

import dev.outrigger.xds.IstioNode;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How to reach istiod, read as pilot-agent reads it (pilot/cmd/pilot-agent/config, pkg/istio-agent,
 * pkg/config/mesh): the ProxyConfig from PROXY_CONFIG (the injector's JSON), then the pod's
 * proxy.istio.io/config annotation, then its sidecar.istio.io/discoveryAddress annotation, each
 * field replacing the one before; then Outrigger's PILOT_ADDRESS over all.
 *
 * <p>Unlike pilot-agent, which always dials istiod, Outrigger only does when a discovery address
 * was given (or OUTRIGGER_XDS=on): without one it stays a passthrough proxy, as before xDS.
 *
 * @param discoveryAddress host:port of istiod
 * @param plaintext no TLS: ProxyConfig controlPlaneAuthPolicy NONE (Istio's rule), or port 15010
 *     (istiod's plaintext port; Outrigger's rule, for a local or test control plane)
 * @param authority the name istiod's certificate must carry (TLS SNI and :authority): ISTIOD_SAN,
 *     else the address's host (localhost becomes istiod.istio-system.svc, as pilot-agent does)
 * @param rootCert the mesh root that istiod's certificate chains to (XDS_ROOT_CA, else the
 *     injector's istio-ca-root-cert mount)
 * @param tokenFile the projected service-account token (audience istio-ca) sent as a bearer token
 * @param clusterId the ClusterID header istiod reads to know the proxy's cluster
 * @param node who this proxy is to istiod (id, cluster, metadata)
 * @param enabledBy the variable that turned xDS on, for /config_dump
 */
public record XdsConfig(String discoveryAddress, boolean plaintext, String authority, Path rootCert, Path tokenFile,
    String clusterId, Node node, String enabledBy) {

  /** Outrigger's switch: on, off, or unset (on when a discovery address is configured). */
  public static final String XDS = "OUTRIGGER_XDS";
  /** Outrigger's own name for istiod's address (pilot-agent reads none; Istio uses ProxyConfig). */
  public static final String PILOT_ADDRESS = "PILOT_ADDRESS";
  /** Istio's: the mesh's ProxyConfig for this pod, JSON or YAML, as the injector writes it. */
  public static final String PROXY_CONFIG = IstioProxyConfig.ENV;
  public static final String ISTIOD_SAN = "ISTIOD_SAN";
  public static final String XDS_ROOT_CA = "XDS_ROOT_CA";
  public static final String CLUSTER_ID = "ISTIO_META_CLUSTER_ID";

  /** ProxyConfig's default (pkg/config/mesh DefaultProxyConfig). */
  public static final String DEFAULT_DISCOVERY_ADDRESS = "istiod.istio-system.svc:15012";
  /** istiod's plaintext xDS port. */
  public static final int PLAINTEXT_PORT = 15010;
  /** The injector mounts the istio-ca-root-cert ConfigMap at /var/run/secrets/istio (pilotCertProvider istiod). */
  static final Path DEFAULT_ROOT_CERT = Path.of("/var/run/secrets/istio/root-cert.pem");
  /** The injector's projected token volume (constants.ThirdPartyJwtPath). */
  static final Path DEFAULT_TOKEN = Path.of("/var/run/secrets/tokens/istio-token");
  static final String DEFAULT_CLUSTER_ID = "Kubernetes";
  /** The cluster's DNS domain in the node id (the injector passes --domain $(POD_NAMESPACE).svc.cluster.local). */
  static final String CLUSTER_DOMAIN = "cluster.local";

  /** The port of the discovery address. */
  public int port() {
    return Integer.parseInt(discoveryAddress.substring(discoveryAddress.lastIndexOf(':') + 1));
  }

  /** Reads the xDS settings; empty when xDS is off. Throws {@link ConfigException} naming the bad key. */
  static Optional<XdsConfig> fromEnvironment(Map<String, String> env, AgentConfig.Env e, PodInfo pod) {
    return fromEnvironment(env, e, pod, PrivateAddresses::find);
  }

  /** @param podAddresses the pod's own addresses, asked for only when xDS is on */
  static Optional<XdsConfig> fromEnvironment(Map<String, String> env, AgentConfig.Env e, PodInfo pod,
      Supplier<List<String>> podAddresses) {
    Boolean xdsSwitch = e.get(XDS, null, AgentConfig.Env::onOff);
    if (Boolean.FALSE.equals(xdsSwitch)) {
      return Optional.empty();
    }
    IstioProxyConfig proxyConfig = IstioProxyConfig.read(env, pod);
    String enabledBy = proxyConfig.addressSource();
    String address = proxyConfig.discoveryAddress();
    String pilotAddress = env.get(PILOT_ADDRESS);
    if (pilotAddress != null && !pilotAddress.isBlank()) {
      address = pilotAddress.trim();
      enabledBy = PILOT_ADDRESS;
    }
    if (enabledBy == null && xdsSwitch == null) {
      return Optional.empty(); // no control plane configured: passthrough, as before xDS
    }
    if (enabledBy == null) {
      enabledBy = XDS;
      address = DEFAULT_DISCOVERY_ADDRESS;
    }
    String host = host(enabledBy, address);
    int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    boolean plaintext = proxyConfig.controlPlaneAuthPolicy().equals("NONE") || port == PLAINTEXT_PORT;
    String authority = e.get(ISTIOD_SAN, host.contains("localhost") ? "istiod.istio-system.svc" : host, s -> s);
    String rootCa = e.get(XDS_ROOT_CA, DEFAULT_ROOT_CERT.toString(), s -> s);
    if (rootCa.equals("SYSTEM")) {
      throw new ConfigException(XDS_ROOT_CA + "=SYSTEM (expected: the path of a PEM root certificate; "
          + "the system's roots are not supported)");
    }
    String clusterId = e.get(CLUSTER_ID, DEFAULT_CLUSTER_ID, s -> s);
    Node node = node(env, pod, proxyConfig, address, clusterId, podAddresses.get(), enabledBy);
    return Optional.of(new XdsConfig(address, plaintext, authority, Path.of(rootCa), DEFAULT_TOKEN, clusterId, node,
        enabledBy));
  }

  /**
   * Who this proxy is to istiod, from the environment as pilot-agent reads it (pkg/bootstrap
   * GetNodeMetaData): the effective ProxyConfig as PROXY_CONFIG metadata, proxyMetadata's
   * ISTIO_META_* entries below the environment's, the cluster id, and the node's addresses.
   */
  private static Node node(Map<String, String> env, PodInfo pod, IstioProxyConfig proxyConfig, String address,
      String clusterId, List<String> podAddresses, String enabledBy) {
    Map<String, String> nodeEnv = new HashMap<>(env);
    proxyConfig.proxyMetadata().forEach((k, v) -> {
      if (k.startsWith("ISTIO_META_")) {
        nodeEnv.putIfAbsent(k, v);
      }
    });
    nodeEnv.put(CLUSTER_ID, clusterId);
    nodeEnv.put(PROXY_CONFIG, proxyConfig.json(address));
    instanceIps(nodeEnv, podAddresses);
    try {
      return IstioNode.fromEnvironment(nodeEnv, pod.nodeLabels(), CLUSTER_DOMAIN);
    } catch (IllegalArgumentException missing) {
      throw new ConfigException(missing.getMessage() + " (needed for xDS, which " + enabledBy + " turned on)");
    }
  }

  /**
   * The node's addresses as pilot-agent lists them: INSTANCE_IP (the injector's status.podIP)
   * first, then the pod's other addresses; without INSTANCE_IP, the pod's addresses alone.
   */
  private static void instanceIps(Map<String, String> nodeEnv, List<String> podAddresses) {
    List<String> ips = new ArrayList<>();
    String instanceIp = nodeEnv.get("INSTANCE_IP");
    if (instanceIp != null && !instanceIp.isBlank()) {
      ips.add(instanceIp.trim());
    }
    for (String a : podAddresses) {
      if (!ips.contains(a)) {
        ips.add(a);
      }
    }
    if (ips.isEmpty()) {
      return; // IstioNode names INSTANCE_IP as missing
    }
    nodeEnv.put("INSTANCE_IP", ips.get(0));
    nodeEnv.putIfAbsent("ISTIO_META_INSTANCE_IPS", String.join(",", ips));
  }

  /** The host of host:port (an IPv6 host without its brackets); a malformed address names its source. */
  private static String host(String source, String address) {
    int colon = address.lastIndexOf(':');
    String bad = source + " discovery address '" + address + "' (expected: host:port, such as "
        + DEFAULT_DISCOVERY_ADDRESS + ")";
    if (colon <= 0 || address.contains("/") || address.contains(" ")) {
      throw new ConfigException(bad);
    }
    try {
      AgentConfig.Env.port(address.substring(colon + 1));
    } catch (IllegalArgumentException badPort) {
      throw new ConfigException(bad);
    }
    return address.substring(0, colon).replaceAll("^\\[|\\]$", "");
  }

  /** For /config_dump: the effective values under their keys. */
  static void describe(Optional<XdsConfig> xds, Map<String, Object> dump) {
    if (xds.isEmpty()) {
      dump.put(XDS, "off");
      return;
    }
    XdsConfig x = xds.get();
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("enabled_by", x.enabledBy());
    d.put("discovery_address", x.discoveryAddress());
    d.put("transport", x.plaintext() ? "plaintext" : "tls");
    if (!x.plaintext()) {
      d.put("authority", x.authority());
      d.put("root_cert", x.rootCert().toString());
      d.put("token_file", x.tokenFile().toString());
    }
    d.put("cluster_id", x.clusterId());
    d.put("node_id", x.node().getId());
    d.put("node_cluster", x.node().getCluster());
    dump.put(XDS, d);
  }

  @Override
  public String toString() {
    return discoveryAddress + (plaintext ? " (plaintext)" : " (TLS, authority " + authority + ")");
  }
}
