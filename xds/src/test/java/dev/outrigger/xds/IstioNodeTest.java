package dev.outrigger.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The node istiod sees, from the environment Istio's injector gives the proxy container. */
class IstioNodeTest {
  /** The variables Istio's injection template sets for a Bookinfo productpage pod. */
  private static final Map<String, String> INJECTED = Map.ofEntries(
      Map.entry("INSTANCE_IP", "10.244.1.7"),
      Map.entry("POD_NAME", "productpage-v1-6b746f74dc-9stvs"),
      Map.entry("POD_NAMESPACE", "default"),
      Map.entry("SERVICE_ACCOUNT", "bookinfo-productpage"),
      Map.entry("PROXY_CONFIG", "{\"discoveryAddress\":\"istiod.istio-system.svc:15012\"}"),
      Map.entry("ISTIO_META_POD_PORTS", "[{\"containerPort\":9080,\"protocol\":\"TCP\"}]"),
      Map.entry("ISTIO_META_APP_CONTAINERS", "productpage"),
      Map.entry("ISTIO_META_CLUSTER_ID", "Kubernetes"),
      Map.entry("ISTIO_META_INTERCEPTION_MODE", "REDIRECT"),
      Map.entry("ISTIO_META_WORKLOAD_NAME", "productpage-v1"),
      Map.entry("ISTIO_META_OWNER", "kubernetes://apis/apps/v1/namespaces/default/deployments/productpage-v1"),
      Map.entry("ISTIO_META_MESH_ID", "cluster.local"),
      Map.entry("ISTIO_METAJSON_LABELS", "{\"app\":\"productpage\",\"version\":\"v1\"}"),
      Map.entry("PATH", "/usr/bin"));

  private static String field(Struct s, String key) {
    return s.getFieldsOrThrow(key).getStringValue();
  }

  @Test
  void theNodeIdIsPilotAgentsServiceNode() {
    Node node = IstioNode.fromEnvironment(INJECTED, Map.of(), "cluster.local");
    assertEquals("sidecar~10.244.1.7~productpage-v1-6b746f74dc-9stvs.default~default.svc.cluster.local", node.getId());
    assertEquals("productpage.default", node.getCluster());
  }

  @Test
  void metadataCarriesTheInjectedVariablesAndTheTypedFields() {
    Struct m = IstioNode.fromEnvironment(INJECTED, Map.of("pod-template-hash", "6b746f74dc"), "cluster.local").getMetadata();
    assertEquals("Kubernetes", field(m, "CLUSTER_ID"));
    assertEquals("REDIRECT", field(m, "INTERCEPTION_MODE"));
    assertEquals("productpage", field(m, "APP_CONTAINERS"));
    assertEquals("productpage-v1", field(m, "WORKLOAD_NAME"));
    assertEquals("productpage-v1-6b746f74dc-9stvs", field(m, "NAME"));
    assertEquals("default", field(m, "NAMESPACE"));
    assertEquals("bookinfo-productpage", field(m, "SERVICE_ACCOUNT"));
    assertEquals("10.244.1.7", field(m, "INSTANCE_IPS"));
    Struct labels = m.getFieldsOrThrow("LABELS").getStructValue();
    assertEquals("v1", field(labels, "version"));
    assertEquals("6b746f74dc", field(labels, "pod-template-hash"));
    assertEquals("istiod.istio-system.svc:15012",
        field(m.getFieldsOrThrow("PROXY_CONFIG").getStructValue(), "discoveryAddress"));
    assertFalse(m.containsFields("PATH"));
  }

  @Test
  void theIstioVersionIsTheInterpretedReleaseUnlessTheEnvironmentNamesOne() {
    assertEquals(IstioNode.INTERPRETED_ISTIO_VERSION,
        field(IstioNode.fromEnvironment(INJECTED, Map.of(), "cluster.local").getMetadata(), "ISTIO_VERSION"));
    Map<String, String> env = new java.util.HashMap<>(INJECTED);
    env.put("ISTIO_META_ISTIO_VERSION", "1.24.2");
    assertEquals("1.24.2", field(IstioNode.fromEnvironment(env, Map.of(), "cluster.local").getMetadata(), "ISTIO_VERSION"));
  }

  @Test
  void aMissingPodVariableIsNamed() {
    Map<String, String> env = new java.util.HashMap<>(INJECTED);
    env.remove("POD_NAMESPACE");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> IstioNode.fromEnvironment(env, Map.of(), "cluster.local"));
    assertTrue(e.getMessage().startsWith("POD_NAMESPACE"), e.getMessage());
  }

  @Test
  void malformedJsonIsNamed() {
    Map<String, String> env = new java.util.HashMap<>(INJECTED);
    env.put("PROXY_CONFIG", "{not json");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> IstioNode.fromEnvironment(env, Map.of(), "cluster.local"));
    assertTrue(e.getMessage().startsWith("PROXY_CONFIG='{not json'"), e.getMessage());
  }
}
