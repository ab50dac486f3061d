package dev.outrigger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How the agent finds istiod: Istio's variables and annotations, Outrigger's switch, and their errors. */
class XdsConfigTest {
  /** What Istio's injector sets on every sidecar. */
  private static final Map<String, String> POD = Map.of(
      "POD_NAME", "productpage-v1-6b746f74dc-9stvs", "POD_NAMESPACE", "default", "INSTANCE_IP", "10.244.0.5",
      "SERVICE_ACCOUNT", "bookinfo-productpage");

  private static Optional<XdsConfig> xds(Map<String, String> extra) {
    return xds(extra, PodInfo.NONE);
  }

  private static Optional<XdsConfig> xds(Map<String, String> extra, PodInfo pod) {
    Map<String, String> env = new HashMap<>(POD);
    env.putAll(extra);
    return AgentConfig.fromEnvironment(env, pod, () -> List.of("10.244.0.5", "fd00:10:244::5")).xds();
  }

  private static String error(Map<String, String> extra) {
    return assertThrows(ConfigException.class, () -> xds(extra)).getMessage();
  }

  @Test
  void offWithoutADiscoveryAddressSoPassthroughIsUnchanged() {
    assertFalse(AgentConfig.fromEnvironment(Map.of(), PodInfo.NONE).xds().isPresent());
    assertFalse(xds(Map.of()).isPresent());
    // A ProxyConfig that names no discovery address configures no control plane.
    assertFalse(xds(Map.of("PROXY_CONFIG", "{\"holdApplicationUntilProxyStarts\": true}")).isPresent());
  }

  @Test
  void theInjectorsProxyConfigDialsIstiodOverTlsAsPilotAgentDoes() {
    XdsConfig x = xds(Map.of("PROXY_CONFIG",
        "{\"discoveryAddress\":\"istiod.istio-system.svc:15012\",\"controlPlaneAuthPolicy\":\"MUTUAL_TLS\"}")).orElseThrow();
    assertEquals("istiod.istio-system.svc:15012", x.discoveryAddress());
    assertFalse(x.plaintext());
    assertEquals("istiod.istio-system.svc", x.authority());
    assertEquals(Path.of("/var/run/secrets/istio/root-cert.pem"), x.rootCert());
    assertEquals(Path.of("/var/run/secrets/tokens/istio-token"), x.tokenFile());
    assertEquals("Kubernetes", x.clusterId());
    assertEquals("sidecar~10.244.0.5~productpage-v1-6b746f74dc-9stvs.default~default.svc.cluster.local", x.node().getId());
    assertEquals("PROXY_CONFIG", x.enabledBy());
  }

  @Test
  void port15010IsPlaintextAndSoIsControlPlaneAuthPolicyNone() {
    assertTrue(xds(Map.of("PILOT_ADDRESS", "10.0.0.9:15010")).orElseThrow().plaintext());
    assertTrue(xds(Map.of("PROXY_CONFIG", "{\"discoveryAddress\":\"10.0.0.9:15010\"}")).orElseThrow().plaintext());
    XdsConfig none = xds(Map.of("PROXY_CONFIG", "discoveryAddress: 10.0.0.9:12345\ncontrolPlaneAuthPolicy: NONE\n"))
        .orElseThrow();
    assertTrue(none.plaintext());
    assertEquals("10.0.0.9:12345", none.discoveryAddress());
    assertFalse(xds(Map.of("PILOT_ADDRESS", "10.0.0.9:15012")).orElseThrow().plaintext());
  }

  @Test
  void laterSourcesReplaceTheDiscoveryAddress() {
    PodInfo annotated = new PodInfo(Map.of(), Map.of("proxy.istio.io/config", "discoveryAddress: from-annotation:15012"));
    Map<String, String> env = Map.of("PROXY_CONFIG", "{\"discoveryAddress\":\"from-env:15012\"}");
    assertEquals("from-annotation:15012", xds(env, annotated).orElseThrow().discoveryAddress());
    PodInfo both = new PodInfo(Map.of(), Map.of("proxy.istio.io/config", "discoveryAddress: from-annotation:15012",
        "sidecar.istio.io/discoveryAddress", "from-discovery-annotation:15012"));
    assertEquals("from-discovery-annotation:15012", xds(env, both).orElseThrow().discoveryAddress());
    Map<String, String> pilot = Map.of("PROXY_CONFIG", "{\"discoveryAddress\":\"from-env:15012\"}",
        "PILOT_ADDRESS", "10.0.0.9:15010");
    XdsConfig x = xds(pilot, both).orElseThrow();
    assertEquals("10.0.0.9:15010", x.discoveryAddress());
    assertEquals("PILOT_ADDRESS", x.enabledBy());
  }

  @Test
  void theSwitchForcesEitherWay() {
    XdsConfig on = xds(Map.of("OUTRIGGER_XDS", "on")).orElseThrow();
    assertEquals("istiod.istio-system.svc:15012", on.discoveryAddress());
    assertEquals("OUTRIGGER_XDS", on.enabledBy());
    assertFalse(xds(Map.of("OUTRIGGER_XDS", "off", "PILOT_ADDRESS", "10.0.0.9:15010")).isPresent());
  }

  @Test
  void authorityIsIstiodSanOrTheHostAndLocalhostMeansIstiod() {
    assertEquals("istiod.example", xds(Map.of("PILOT_ADDRESS", "10.0.0.9:15012", "ISTIOD_SAN", "istiod.example"))
        .orElseThrow().authority());
    assertEquals("10.0.0.9", xds(Map.of("PILOT_ADDRESS", "10.0.0.9:15012")).orElseThrow().authority());
    assertEquals("istiod.istio-system.svc", xds(Map.of("PILOT_ADDRESS", "localhost:15012")).orElseThrow().authority());
    XdsConfig x = xds(Map.of("PILOT_ADDRESS", "[fd00::9]:15012", "XDS_ROOT_CA", "/etc/mesh/root.pem",
        "ISTIO_META_CLUSTER_ID", "east")).orElseThrow();
    assertEquals("fd00::9", x.authority());
    assertEquals(15012, x.port());
    assertEquals(Path.of("/etc/mesh/root.pem"), x.rootCert());
    assertEquals("east", x.clusterId());
    assertEquals("east", x.node().getMetadata().getFieldsOrThrow("CLUSTER_ID").getStringValue());
  }

  @Test
  void theNodeCarriesThePodsLabelsAndTheEffectiveProxyConfig() {
    PodInfo pod = new PodInfo(Map.of("app", "productpage", "version", "v1", "pod-template-hash", "6b746f74dc"), Map.of());
    XdsConfig x = xds(Map.of("PROXY_CONFIG", "discoveryAddress: 10.0.0.9:15010\nconcurrency: 2\n"
        + "proxyMetadata: {ISTIO_META_DNS_CAPTURE: 'true', ISTIO_META_MESH_ID: from-proxy-config, OTHER: x}",
        "ISTIO_META_MESH_ID", "from-env"), pod).orElseThrow();
    Struct metadata = x.node().getMetadata();
    Struct labels = metadata.getFieldsOrThrow("LABELS").getStructValue();
    assertEquals("v1", labels.getFieldsOrThrow("version").getStringValue());
    assertFalse(labels.containsFields("pod-template-hash"), labels.toString());
    assertEquals("productpage.default", x.node().getCluster());
    Struct proxyConfig = metadata.getFieldsOrThrow("PROXY_CONFIG").getStructValue();
    assertEquals("10.0.0.9:15010", proxyConfig.getFieldsOrThrow("discoveryAddress").getStringValue());
    assertEquals(2.0, proxyConfig.getFieldsOrThrow("concurrency").getNumberValue());
    assertEquals("bookinfo-productpage", metadata.getFieldsOrThrow("SERVICE_ACCOUNT").getStringValue());
    assertEquals("true", metadata.getFieldsOrThrow("DNS_CAPTURE").getStringValue());
    assertEquals("from-env", metadata.getFieldsOrThrow("MESH_ID").getStringValue());
    assertFalse(metadata.containsFields("OTHER"));
  }

  @Test
  void badValuesNameTheirVariable() {
    assertTrue(error(Map.of("PILOT_ADDRESS", "istiod")).startsWith("PILOT_ADDRESS discovery address 'istiod'"),
        error(Map.of("PILOT_ADDRESS", "istiod")));
    assertTrue(error(Map.of("PILOT_ADDRESS", "istiod:99999")).startsWith("PILOT_ADDRESS"));
    assertTrue(error(Map.of("PROXY_CONFIG", "{\"discoveryAddress\": ")).startsWith("PROXY_CONFIG="));
    assertTrue(error(Map.of("PROXY_CONFIG", "[1, 2]")).startsWith("PROXY_CONFIG="));
    assertEquals("PROXY_CONFIG controlPlaneAuthPolicy='TLS' (expected: NONE or MUTUAL_TLS)",
        error(Map.of("PROXY_CONFIG", "{\"discoveryAddress\":\"a:15012\",\"controlPlaneAuthPolicy\":\"TLS\"}")));
    assertEquals("OUTRIGGER_XDS='maybe' (expected: on or off)", error(Map.of("OUTRIGGER_XDS", "maybe")));
    assertTrue(error(Map.of("PILOT_ADDRESS", "a:15012", "XDS_ROOT_CA", "SYSTEM")).startsWith("XDS_ROOT_CA=SYSTEM"));
    Map<String, String> noPod = Map.of("PILOT_ADDRESS", "10.0.0.9:15010");
    String missing = assertThrows(ConfigException.class, () -> AgentConfig.fromEnvironment(noPod, PodInfo.NONE,
        () -> List.of("10.244.0.5"))).getMessage();
    assertTrue(missing.startsWith("POD_NAME is not set") && missing.contains("PILOT_ADDRESS turned on"), missing);
    Map<String, String> noIp = Map.of("PILOT_ADDRESS", "10.0.0.9:15010", "POD_NAME", "p", "POD_NAMESPACE", "ns");
    String noAddress = assertThrows(ConfigException.class, () -> AgentConfig.fromEnvironment(noIp, PodInfo.NONE,
        List::of)).getMessage();
    assertTrue(noAddress.startsWith("INSTANCE_IP is not set"), noAddress);
  }

  @Test
  void theNodesAddressesAreInstanceIpThenThePodsOwnAsPilotAgentListsThem() {
    XdsConfig x = xds(Map.of("PILOT_ADDRESS", "10.0.0.9:15010")).orElseThrow();
    assertEquals("10.244.0.5,fd00:10:244::5", x.node().getMetadata().getFieldsOrThrow("INSTANCE_IPS").getStringValue());
    Map<String, String> noInstanceIp = new HashMap<>(POD);
    noInstanceIp.remove("INSTANCE_IP");
    noInstanceIp.put("PILOT_ADDRESS", "10.0.0.9:15010");
    XdsConfig found = AgentConfig.fromEnvironment(noInstanceIp, PodInfo.NONE, () -> List.of("10.1.0.7")).xds().orElseThrow();
    assertEquals("sidecar~10.1.0.7~productpage-v1-6b746f74dc-9stvs.default~default.svc.cluster.local", found.node().getId());
    assertFalse(AgentConfig.fromEnvironment(Map.of(), PodInfo.NONE, () -> {
      throw new AssertionError("the pod's addresses are not looked up without xDS");
    }).xds().isPresent());
  }

  @Test
  void podInfoFilesAreReadAsTheDownwardApiWritesThem() {
    Map<String, String> parsed = PodInfo.parse("app=\"reviews\"\nsecurity.istio.io/tlsMode=\"istio\"\n"
        + "proxy.istio.io/config=\"discoveryAddress: \\\"x:15010\\\"\\nconcurrency: 2\"\nbroken line\n");
    assertEquals("reviews", parsed.get("app"));
    assertEquals("istio", parsed.get("security.istio.io/tlsMode"));
    assertEquals("discoveryAddress: \"x:15010\"\nconcurrency: 2", parsed.get("proxy.istio.io/config"));
    assertEquals(3, parsed.size());
  }
}
