package dev.outrigger.agent.inject;

import static dev.outrigger.agent.inject.Injected.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Injection of the seeds' own workloads, checked against what `istioctl kube-inject` printed in
 * seed 001 (init container, proxy container, annotations) and against the Kubernetes schema.
 */
class SeedInjectionTest {
  private static final String SEEDS = "seeds/";

  @Test
  void httpbinGetsTheInitAndProxyContainersOfSeed001() {
    String manifests = resource(SEEDS + "001-httpbin.yaml");
    List<String> out = documents(inject(manifests));
    assertEquals(2, out.size());
    Map<String, Object> deployment = tree(out.get(0));
    PodTemplate pod = pod(deployment);

    // istio-iptables -p 15001 -z 15006 -u 1337 -m REDIRECT -i '*' -x "" -b '*' -d 15090,15020 (1.5),
    // with 15021, the readiness port Istio added in 1.6, also excluded.
    assertEquals(List.of("iptables", "-p", "15001", "-z", "15006", "-u", "1337", "-m", "REDIRECT",
        "-i", "*", "-x", "", "-b", "*", "-d", "15090,15021,15020"), args(init(deployment)));
    assertEquals(tree("""
        allowPrivilegeEscalation: false
        capabilities: {add: [NET_ADMIN, NET_RAW], drop: [ALL]}
        privileged: false
        readOnlyRootFilesystem: false
        runAsGroup: 0
        runAsNonRoot: false
        runAsUser: 0
        """), init(deployment).get("securityContext"));

    Map<String, Object> proxy = proxy(deployment);
    assertEquals(List.of("httpbin", ProxyContainer.NAME), names(pod.containers()), "proxy after the app");
    assertEquals(tree("""
        allowPrivilegeEscalation: false
        capabilities: {drop: [ALL]}
        privileged: false
        readOnlyRootFilesystem: true
        runAsGroup: 1337
        runAsNonRoot: true
        runAsUser: 1337
        """), proxy.get("securityContext"));
    assertEquals(List.of(tree("{containerPort: 15090, name: http-envoy-prom, protocol: TCP}")), proxy.get("ports"));
    @SuppressWarnings("unchecked")
    List<Object> env = (List<Object>) proxy.get("env");
    for (String[] field : new String[][] {{"POD_NAME", "metadata.name"}, {"POD_NAMESPACE", "metadata.namespace"},
        {"INSTANCE_IP", "status.podIP"}, {"SERVICE_ACCOUNT", "spec.serviceAccountName"}, {"HOST_IP", "status.hostIP"}}) {
      assertTrue(env.contains(tree("{name: " + field[0] + ", valueFrom: {fieldRef: {fieldPath: " + field[1] + "}}}")),
          field[0] + " in " + env);
    }
    assertTrue(env.contains(tree("{name: ISTIO_META_INTERCEPTION_MODE, value: REDIRECT}")), env.toString());
    assertTrue(env.contains(tree("{name: OUTRIGGER_INBOUND_MODE, value: preserve}")), env.toString());
    assertEquals(tree("{httpGet: {path: /healthz/ready, port: 15021}, periodSeconds: 15, timeoutSeconds: 3,"
        + " failureThreshold: 4}"), proxy.get("readinessProbe"));
    assertEquals(tree("{httpGet: {path: /healthz/ready, port: 15021}, periodSeconds: 1, timeoutSeconds: 3,"
        + " failureThreshold: 600}"), proxy.get("startupProbe"));

    Map<String, String> annotations = pod.annotations();
    assertEquals("REDIRECT", annotations.get("sidecar.istio.io/interceptionMode"));
    assertEquals("*", annotations.get("traffic.sidecar.istio.io/includeOutboundIPRanges"));
    assertEquals("15020", annotations.get("traffic.sidecar.istio.io/excludeInboundPorts"));
    assertTrue(annotations.containsKey(Annotations.STATUS));

    // The app container is as written but for its probes, which the agent now performs (Istio's rewrite,
    // on by default since 1.10; seed 001's 1.5 injector left them); the Service is copied byte for byte.
    Map<String, Object> original = pod(tree(documents(manifests).get(0))).containers().get(0);
    original.put("readinessProbe", tree("{httpGet: {path: /app-health/httpbin/readyz, port: 15020},"
        + " initialDelaySeconds: 10, periodSeconds: 5}"));
    original.put("livenessProbe", tree("{httpGet: {path: /app-health/httpbin/livez, port: 15020},"
        + " initialDelaySeconds: 15, periodSeconds: 5}"));
    assertEquals(original, pod.containers().get(0));
    assertTrue(env.contains(tree("{name: ISTIO_KUBE_APP_PROBERS, value: '{\"/app-health/httpbin/livez\":"
        + "{\"httpGet\":{\"path\":\"/status/200\",\"port\":80}},\"/app-health/httpbin/readyz\":"
        + "{\"httpGet\":{\"path\":\"/status/200\",\"port\":80}}}'}")), env.toString());
    assertEquals(documents(manifests).get(1), out.get(1));
  }

  @Test
  void theClientOfSeed001IsInjected() {
    Map<String, Object> deployment = injectOne(resource(SEEDS + "001-ubuntu.yaml"));
    assertEquals(List.of("ubuntu", ProxyContainer.NAME), names(pod(deployment).containers()));
  }

  @Test
  void nginxOfSeed002KeepsItsNodeSelectorAndTheOtherKindsAreUntouched() {
    String manifests = resource(SEEDS + "002-nginx.yaml");
    List<String> in = documents(manifests);
    List<String> out = documents(inject(manifests));
    assertEquals(in.get(0), out.get(0), "Namespace");
    assertEquals(in.get(2), out.get(2), "Service");
    PodTemplate pod = pod(tree(out.get(1)));
    assertEquals(Map.of("app", "true"), pod.spec().get("nodeSelector"));
    assertEquals(List.of(InitContainer.NAME), names(pod.initContainers()));
  }

  @Test
  void theNetcatPodsOfSeed004AreInjectedWithTheirScriptsIntact() {
    String manifests = resource(SEEDS + "004-netcat.yaml");
    List<String> in = documents(manifests);
    List<String> out = documents(inject(manifests));
    assertEquals(in.size(), out.size());
    int pods = 0;
    for (int i = 0; i < in.size(); i++) {
      Map<String, Object> before = tree(in.get(i));
      if (!"Pod".equals(before.get("kind"))) {
        assertEquals(in.get(i), out.get(i), "document " + (i + 1) + " (" + before.get("kind") + ") is untouched");
        continue;
      }
      pods++;
      Map<String, Object> after = tree(out.get(i));
      assertEquals(pod(before).containers().get(0), pod(after).containers().get(0), "the app container of pod " + i);
      assertEquals(InitContainer.NAME, names(pod(after).initContainers()).get(0));
    }
    assertEquals(5, pods, "netcat-client and the four servers");
  }
}
