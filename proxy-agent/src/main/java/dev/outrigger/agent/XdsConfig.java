package dev.outrigger.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.xds.IstioNode;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

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
  public static final String PROXY_CONFIG = "PROXY_CONFIG";
  public static final String ISTIOD_SAN = "ISTIOD_SAN";
  public static final String XDS_ROOT_CA = "XDS_ROOT_CA";
  public static final String CLUSTER_ID = "ISTIO_META_CLUSTER_ID";
  /** The pod annotations pilot-agent applies over PROXY_CONFIG (read from the downward-API file). */
  static final String PROXY_CONFIG_ANNOTATION = "proxy.istio.io/config";
  static final String DISCOVERY_ADDRESS_ANNOTATION = "sidecar.istio.io/discoveryAddress";

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

  /** host:port, the host possibly a bracketed IPv6 address. */
  public String host() {
    return discoveryAddress.substring(0, discoveryAddress.lastIndexOf(':')).replaceAll("^\\[|\\]$", "");
  }

  public int port() {
    return Integer.parseInt(discoveryAddress.substring(discoveryAddress.lastIndexOf(':') + 1));
  }

  /** Reads the xDS settings; empty when xDS is off. Throws {@link ConfigException} naming the bad key. */
  static Optional<XdsConfig> fromEnvironment(Map<String, String> env, AgentConfig.Env e, PodInfo pod) {
    return fromEnvironment(env, e, pod, PrivateAddresses::find);
  }

  /** @param privateAddresses the pod's addresses, asked for only when xDS is on */
  static Optional<XdsConfig> fromEnvironment(Map<String, String> env, AgentConfig.Env e, PodInfo pod,
      Supplier<List<String>> privateAddresses) {
    Boolean xdsSwitch = e.get(XDS, null, AgentConfig.Env::onOff);
    if (Boolean.FALSE.equals(xdsSwitch)) {
      return Optional.empty();
    }
    Map<String, Object> proxyConfig = new LinkedHashMap<>();
    String enabledBy = null;
    String fromEnv = env.get(PROXY_CONFIG);
    if (fromEnv != null && !fromEnv.isBlank()) {
      proxyConfig.putAll(proxyConfig(PROXY_CONFIG, fromEnv));
      enabledBy = proxyConfig.containsKey("discoveryAddress") ? PROXY_CONFIG : null;
    }
    String annotation = pod.annotations().get(PROXY_CONFIG_ANNOTATION);
    if (annotation != null && !annotation.isBlank()) {
      Map<String, Object> over = proxyConfig("pod annotation " + PROXY_CONFIG_ANNOTATION, annotation);
      proxyConfig.putAll(over);
      enabledBy = over.containsKey("discoveryAddress") ? "pod annotation " + PROXY_CONFIG_ANNOTATION : enabledBy;
    }
    String discoveryAnnotation = pod.annotations().get(DISCOVERY_ADDRESS_ANNOTATION);
    if (discoveryAnnotation != null) {
      proxyConfig.put("discoveryAddress", discoveryAnnotation);
      enabledBy = "pod annotation " + DISCOVERY_ADDRESS_ANNOTATION;
    }
    String where = enabledBy == null ? PROXY_CONFIG : enabledBy;
    String address = String.valueOf(proxyConfig.getOrDefault("discoveryAddress", DEFAULT_DISCOVERY_ADDRESS)).trim();
    String pilotAddress = env.get(PILOT_ADDRESS);
    if (pilotAddress != null && !pilotAddress.isBlank()) {
      address = pilotAddress.trim();
      where = PILOT_ADDRESS;
      enabledBy = PILOT_ADDRESS;
    }
    if (enabledBy == null && xdsSwitch == null) {
      return Optional.empty(); // no control plane configured: passthrough, as before xDS
    }
    if (enabledBy == null) {
      enabledBy = XDS;
    }
    int port = addressPort(where, address);
    String policy = String.valueOf(proxyConfig.getOrDefault("controlPlaneAuthPolicy", "MUTUAL_TLS")).trim();
    if (!policy.equals("NONE") && !policy.equals("MUTUAL_TLS")) {
      throw new ConfigException(PROXY_CONFIG + " controlPlaneAuthPolicy='" + policy + "' (expected: NONE or MUTUAL_TLS)");
    }
    String host = address.substring(0, address.lastIndexOf(':')).replaceAll("^\\[|\\]$", "");
    String authority = e.get(ISTIOD_SAN, host.contains("localhost") ? "istiod.istio-system.svc" : host, s -> s);
    String rootCa = e.get(XDS_ROOT_CA, DEFAULT_ROOT_CERT.toString(), s -> s);
    if (rootCa.equals("SYSTEM")) {
      throw new ConfigException(XDS_ROOT_CA + "=SYSTEM (expected: the path of a PEM root certificate; "
          + "the system's roots are not supported)");
    }
    String clusterId = e.get(CLUSTER_ID, DEFAULT_CLUSTER_ID, s -> s);

    // The node's PROXY_CONFIG metadata is the effective ProxyConfig, as pilot-agent sends it;
    // its proxyMetadata's ISTIO_META_* entries are metadata too, below the environment's
    // (pkg/bootstrap GetNodeMetaData).
    Map<String, String> nodeEnv = new HashMap<>(env);
    if (proxyConfig.get("proxyMetadata") instanceof Map<?, ?> proxyMetadata) {
      proxyMetadata.forEach((k, v) -> {
        if (String.valueOf(k).startsWith("ISTIO_META_") && v != null) {
          nodeEnv.putIfAbsent(String.valueOf(k), String.valueOf(v));
        }
      });
    }
    nodeEnv.put(CLUSTER_ID, clusterId);
    Map<String, Object> effective = new LinkedHashMap<>(proxyConfig);
    effective.put("discoveryAddress", address);
    nodeEnv.put(PROXY_CONFIG, json(effective));
    instanceIps(nodeEnv, privateAddresses.get());
    Node node;
    try {
      node = IstioNode.fromEnvironment(nodeEnv, pod.nodeLabels(), CLUSTER_DOMAIN);
    } catch (IllegalArgumentException missing) {
      throw new ConfigException(missing.getMessage() + " (needed for xDS, which " + enabledBy + " turned on)");
    }
    return Optional.of(new XdsConfig(address, policy.equals("NONE") || port == PLAINTEXT_PORT, authority,
        Path.of(rootCa), DEFAULT_TOKEN, clusterId, node, enabledBy));
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

  private static int addressPort(String key, String address) {
    int colon = address.lastIndexOf(':');
    String expected = " (expected: host:port, such as " + DEFAULT_DISCOVERY_ADDRESS + ")";
    if (colon <= 0 || address.contains("/") || address.contains(" ")) {
      throw new ConfigException(key + " discovery address '" + address + "'" + expected);
    }
    try {
      return AgentConfig.Env.port(address.substring(colon + 1));
    } catch (IllegalArgumentException badPort) {
      throw new ConfigException(key + " discovery address '" + address + "'" + expected);
    }
  }

  /** A ProxyConfig in JSON or YAML (YAML is a superset of JSON), as pilot-agent accepts it. */
  static Map<String, Object> proxyConfig(String key, String value) {
    Object tree;
    try {
      tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(value);
    } catch (YAMLException e) {
      throw new ConfigException(key + "='" + value + "' (expected: a ProxyConfig in JSON or YAML): "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    if (tree == null) {
      return Map.of();
    }
    if (!(tree instanceof Map<?, ?> map)) {
      throw new ConfigException(key + "='" + value + "' (expected: a ProxyConfig object in JSON or YAML)");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(String.valueOf(k), v));
    Object address = out.get("discoveryAddress");
    if (address != null && !(address instanceof String)) {
      throw new ConfigException(key + " discoveryAddress=" + address + " (expected: host:port as a string)");
    }
    return out;
  }

  private static String json(Map<String, Object> value) {
    try {
      return new ObjectMapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new ConfigException(PROXY_CONFIG + ": cannot be written as JSON (" + e.getOriginalMessage() + ")");
    }
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
