package dev.outrigger.agent.inject;

import static dev.outrigger.agent.inject.Injected.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Istio's probe rewrite on Istio's own inputs (pkg/kube/inject/testdata/inject): the expected
 * ISTIO_KUBE_APP_PROBERS values are those of Istio's .injected goldens, which the agent reads.
 */
class AppProbesInjectionTest {
  private static Map<String, Object> object(String manifest) {
    return injectOne(manifest);
  }

  private static Map<String, Object> app(Map<String, Object> object, String name) {
    return container(pod(object).containers(), name);
  }

  /** The proxy's env value of {@code name}, or null. */
  @SuppressWarnings("unchecked")
  static String env(Map<String, Object> object, String name) {
    for (Map<String, Object> var : (List<Map<String, Object>>) proxy(object).get("env")) {
      if (name.equals(var.get("name"))) {
        return String.valueOf(var.get("value"));
      }
    }
    return null;
  }

  private static Object probe(Map<String, Object> container, String field) {
    return container.get(field);
  }

  @Test
  void helloProbesGoToTheStatusPortWithTheOriginalsInIstiosFormat() {
    Map<String, Object> out = object(IstioTestdata.HELLO_PROBES);
    Map<String, Object> hello = app(out, "hello");
    assertEquals(tree("{httpGet: {path: /app-health/hello/livez, port: 15020}}"), probe(hello, "livenessProbe"));
    assertEquals(tree("{httpGet: {path: /app-health/hello/readyz, port: 15020}}"), probe(hello, "readinessProbe"));
    // Istio's lifecycle rewrite: the httpGet preStop and the tcpSocket postStart both become httpGet hooks.
    assertEquals(tree("{postStart: {httpGet: {path: /app-lifecycle/hello/poststartz, port: 15020}},"
        + " preStop: {httpGet: {path: /app-lifecycle/hello/prestopz, port: 15020}}}"), hello.get("lifecycle"));
    Map<String, Object> world = app(out, "world");
    assertEquals(tree("{httpGet: {path: /app-health/world/livez, port: 15020}}"), probe(world, "livenessProbe"));
    assertEquals(tree("{exec: {command: [cat, /tmp/healthy]}}"), probe(world, "readinessProbe"), "exec stays");
    assertEquals("{\"/app-health/hello/livez\":{\"httpGet\":{\"port\":80}},"
        + "\"/app-health/hello/readyz\":{\"httpGet\":{\"port\":3333}},"
        + "\"/app-health/world/livez\":{\"httpGet\":{\"port\":90}},"
        + "\"/app-lifecycle/hello/poststartz\":{\"tcpSocket\":{\"port\":93}},"
        + "\"/app-lifecycle/hello/prestopz\":{\"httpGet\":{\"port\":91}}}", env(out, AppProbes.ENV));
  }

  @Test
  void httpsProbesBecomeHttpToTheAgentWhichKeepsTheirScheme() {
    Map<String, Object> out = object(IstioTestdata.HTTPS_PROBES);
    assertEquals(tree("{httpGet: {path: /app-health/hello/readyz, port: 15020, scheme: HTTP}}"),
        probe(app(out, "hello"), "readinessProbe"));
    assertEquals("{\"/app-health/hello/livez\":{\"httpGet\":{\"port\":80}},"
        + "\"/app-health/hello/readyz\":{\"httpGet\":{\"port\":3333,\"scheme\":\"HTTPS\"}},"
        + "\"/app-health/world/livez\":{\"httpGet\":{\"port\":90}}}", env(out, AppProbes.ENV));
  }

  @Test
  void tcpProbesBecomeHttpGetsAndTheirNamedPortIsResolved() {
    Map<String, Object> out = object(IstioTestdata.TCP_PROBES);
    assertEquals(tree("{httpGet: {path: /app-health/hello/livez, port: 15020}}"),
        probe(app(out, "hello"), "livenessProbe"));
    assertEquals("{\"/app-health/hello/livez\":{\"tcpSocket\":{\"port\":80}},"
        + "\"/app-health/hello/readyz\":{\"tcpSocket\":{\"port\":3333}}}", env(out, AppProbes.ENV));
  }

  @Test
  void startupProbesToo() {
    Map<String, Object> out = object(IstioTestdata.STARTUP_READY_LIVE);
    assertEquals(tree("{httpGet: {path: /app-health/world/startupz, port: 15020}}"),
        probe(app(out, "world"), "startupProbe"));
    assertEquals("{\"/app-health/hello/livez\":{\"httpGet\":{\"port\":80}},"
        + "\"/app-health/hello/readyz\":{\"httpGet\":{\"port\":3333}},"
        + "\"/app-health/hello/startupz\":{\"httpGet\":{\"port\":3333}},"
        + "\"/app-health/world/livez\":{\"httpGet\":{\"port\":90}},"
        + "\"/app-health/world/startupz\":{\"httpGet\":{\"port\":90}}}", env(out, AppProbes.ENV));
  }

  @Test
  void rewriteAppHttpProbersFalseLeavesTheProbes() {
    Map<String, Object> out = object(IstioTestdata.HELLO_PROBES_REWRITE_OFF);
    assertEquals(tree("{httpGet: {port: http}}"), probe(app(out, "hello"), "livenessProbe"));
    assertNull(env(out, AppProbes.ENV));
  }

  @Test
  void grpcProbesKeepTheirServiceAndTimeoutAndHooksTheirOtherFields() {
    Map<String, Object> out = object(IstioTestdata.HELLO.replace("containerPort: 80\n", "containerPort: 80" + "\n"
        + "          readinessProbe:" + "\n"
        + "            grpc:" + "\n"
        + "              port: 9000" + "\n"
        + "              service: health" + "\n"
        + "            timeoutSeconds: 2" + "\n"
        + "            periodSeconds: 7" + "\n"
        + "          livenessProbe:" + "\n"
        + "            httpGet:" + "\n"
        + "              path: /live?a=1&b=<2>" + "\n"
        + "              port: 8080" + "\n"
        + "              host: 10.0.0.1" + "\n"
        + "              httpHeaders:" + "\n"
        + "                - name: X-Probe" + "\n"
        + "                  value: \"1\"" + "\n"));
    Map<String, Object> hello = app(out, "hello");
    assertEquals(tree("{httpGet: {path: /app-health/hello/readyz, port: 15020}, timeoutSeconds: 2, periodSeconds: 7}"),
        probe(hello, "readinessProbe"));
    assertEquals(tree("{httpGet: {path: /app-health/hello/livez, port: 15020, host: 10.0.0.1,"
        + " httpHeaders: [{name: X-Probe, value: '1'}]}}"), probe(hello, "livenessProbe"));
    // Go's encoding/json escapes <, > and & in strings.
    assertEquals("{\"/app-health/hello/livez\":{\"httpGet\":{\"path\":\"/live?a=1\\u0026b=\\u003c2\\u003e\","
        + "\"port\":8080,\"host\":\"10.0.0.1\",\"httpHeaders\":[{\"name\":\"X-Probe\",\"value\":\"1\"}]}},"
        + "\"/app-health/hello/readyz\":{\"grpc\":{\"port\":9000,\"service\":\"health\"},\"timeoutSeconds\":2}}",
        env(out, AppProbes.ENV));
  }

  @Test
  void aStatusPortAnnotationMovesTheProbesTheAgentAndTheCaptureExclusion() {
    Map<String, Object> out = object(IstioTestdata.HELLO_PROBES.replace("    metadata:\n      labels:",
        "    metadata:\n      annotations:\n        status.sidecar.istio.io/port: \"15999\"\n      labels:"));
    assertEquals(tree("{httpGet: {path: /app-health/hello/livez, port: 15999}}"),
        probe(app(out, "hello"), "livenessProbe"));
    assertEquals("15999", env(out, "OUTRIGGER_AGENT_PORT"));
    List<String> args = args(init(out));
    assertEquals("15090,15021,15999", args.get(args.indexOf("-d") + 1));
    assertEquals("15999", pod(out).annotations().get("prometheus.io/port"));
  }

  @Test
  void statusPortZeroRewritesNothingAndExcludesNothing() {
    Map<String, Object> out = object(IstioTestdata.HELLO_PROBES.replace("    metadata:\n      labels:",
        "    metadata:\n      annotations:\n        status.sidecar.istio.io/port: \"0\"\n      labels:"));
    assertEquals(tree("{httpGet: {port: http}}"), probe(app(out, "hello"), "livenessProbe"));
    assertNull(env(out, AppProbes.ENV));
    assertNull(env(out, "OUTRIGGER_AGENT_PORT"));
    List<String> args = args(init(out));
    assertEquals("15090,15021", args.get(args.indexOf("-d") + 1));
    assertFalse(pod(out).annotations().containsKey("prometheus.io/port"));
  }

  @Test
  void reinjectingKeepsTheOriginalsAndOptingOutLaterRestoresThem() {
    String once = inject(IstioTestdata.HELLO_PROBES);
    String twice = inject(once);
    assertEquals(once, twice);
    Map<String, Object> again = tree(twice);
    assertTrue(env(again, AppProbes.ENV).contains("\"/app-health/hello/livez\":{\"httpGet\":{\"port\":80}}"));

    Map<String, Object> optedOut = tree(inject(once.replace("      annotations:\n",
        "      annotations:\n        sidecar.istio.io/rewriteAppHTTPProbers: \"false\"\n")));
    // The named port comes back resolved, as the agent had it.
    assertEquals(tree("{httpGet: {port: 80}}"), probe(app(optedOut, "hello"), "livenessProbe"));
    assertEquals(tree("{postStart: {tcpSocket: {port: 93}}, preStop: {httpGet: {port: 91}}}"),
        app(optedOut, "hello").get("lifecycle"));
    assertNull(env(optedOut, AppProbes.ENV));
  }

  @Test
  void inLoopbackModeTheAgentProbesLocalhostAsIstiosTemplateSays() {
    // hello-probes-localhost.yaml's golden: REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION under inboundTrafficPolicy LOCALHOST.
    Map<String, Object> loopback = object(IstioTestdata.HELLO_PROBES.replace("    metadata:\n      labels:",
        "    metadata:\n      annotations:\n        outrigger.dev/inboundMode: loopback\n      labels:"));
    assertEquals("true", env(loopback, AppProbes.LOCALHOST_ENV));
    assertNull(env(object(IstioTestdata.HELLO_PROBES), AppProbes.LOCALHOST_ENV), "preserve: the pod IP");
  }
}
