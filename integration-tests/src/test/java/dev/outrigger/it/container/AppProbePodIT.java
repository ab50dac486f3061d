package dev.outrigger.it.container;

import static dev.outrigger.it.container.InjectedPod.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.Network;

/**
 * Kubelet-style probes of injected pods whose app listens on 127.0.0.1 only, in preserve mode:
 * the pods run from the image exactly as kube-inject wrote them, probes rewritten to the agent's
 * {@code :15020/app-health/...} with the originals in ISTIO_KUBE_APP_PROBERS. A client pod plays
 * the kubelet (HTTP GET with kube-probe's headers from outside the pod, success on 200-399).
 *
 * <pre>
 * lo-bound app, preserve mode          | readiness (httpGet /ready) | liveness (tcpSocket)
 * original probe, no rewrite           | 503 from the sidecar       | connects to the sidecar: a false
 *                                      |                            | success, the app is never reached
 * rewritten, no annotation             | 500 (agent: pod IP)        | 500
 * rewritten + localhostInboundPorts    | 200                        | 200
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AppProbePodIT {
  private static final int PORT = 8080;
  private static final String APP = "app";
  /** nginx on lo only, /ready answering 200, as an app written for Istio 1.9's loopback forwarding. */
  private static final String LO_APP = "printf '%s' \"$CONF\" > /tmp/app.conf && exec nginx -c /tmp/app.conf";
  private static final String CONF = EchoConfig.nginx("""
        server {
          listen 127.0.0.1:8080;
          location /ready { default_type text/plain; return 200 "ready\\n"; }
          location / { return 404; }
        }
      """);

  private Network network;
  private ContainerPod kubelet;
  private ContainerPod annotated;
  private InjectedPod annotatedSpec;
  private ContainerPod plain;
  private InjectedPod plainSpec;

  @BeforeAll
  @Timeout(value = 25, unit = TimeUnit.MINUTES) // the first run builds the base images
  void startPods() throws InterruptedException {
    ContainerEnvironment.require();
    network = Network.newNetwork();
    kubelet = ContainerPod.start(network, "probe-kubelet");
    annotatedSpec = InjectedPod.injected(manifest("probed-annotated", true), ContainerEnvironment.IMAGE);
    annotated = meshedPod("probed-annotated", annotatedSpec);
    plainSpec = InjectedPod.injected(manifest("probed-plain", false), ContainerEnvironment.IMAGE);
    plain = meshedPod("probed-plain", plainSpec);
  }

  private static String manifest(String name, boolean localhostAnnotation) {
    return """
        apiVersion: v1
        kind: Pod
        metadata:
          name: %s
          annotations:
            outrigger.dev/inboundMode: preserve
        %s
        spec:
          containers:
          - name: app
            image: app
            ports:
            - containerPort: 8080
            readinessProbe:
              httpGet:
                path: /ready
                port: 8080
              periodSeconds: 5
            livenessProbe:
              tcpSocket:
                port: 8080
              periodSeconds: 10
        """.formatted(name, localhostAnnotation ? "    outrigger.dev/localhostInboundPorts: \"8080\"" : "");
  }

  private ContainerPod meshedPod(String name, InjectedPod spec) throws InterruptedException {
    ContainerPod pod = ContainerPod.start(network, name);
    pod.runInit(spec);
    pod.startProxy(spec);
    pod.app(LO_APP, Map.of("CONF", CONF));
    pod.awaitListening("127.0.0.1", PORT);
    return pod;
  }

  @AfterAll
  void stopPods() {
    for (ContainerPod pod : new ContainerPod[] {annotated, plain, kubelet}) {
      if (pod != null) {
        pod.close();
      }
    }
    if (network != null) {
      network.close();
    }
  }

  @Test
  void injectionRewroteBothProbesToTheAgent() {
    for (String probe : List.of("readinessProbe", "livenessProbe")) {
      Map<String, Object> get = httpGet(plainSpec, probe);
      assertEquals(15020, ((Number) get.get("port")).intValue(), probe + ": " + get);
      assertTrue(String.valueOf(get.get("path")).startsWith("/app-health/" + APP + "/"), probe + ": " + get);
    }
  }

  @Test
  void withTheAnnotationTheRewrittenProbesOfALoBoundAppSucceed() {
    assertEquals("200", kubeletGet(annotated, httpGet(annotatedSpec, "readinessProbe")), "readiness (httpGet /ready)");
    assertEquals("200", kubeletGet(annotated, httpGet(annotatedSpec, "livenessProbe")), "liveness (tcpSocket 8080)");
  }

  @Test
  void withoutTheAnnotationTheAgentProbesThePodIpWhereTheAppIsNot() {
    assertEquals("500", kubeletGet(plain, httpGet(plainSpec, "readinessProbe")), "readiness (httpGet /ready)");
    assertEquals("500", kubeletGet(plain, httpGet(plainSpec, "livenessProbe")), "liveness (tcpSocket 8080)");
  }

  @Test
  void withoutTheRewriteTheKubeletsOwnProbesMeetTheSidecarNotTheApp() {
    // httpGet: the sidecar detects HTTP and cannot reach the lo-bound app: Envoy's 503, a failure.
    ExecResult http = kubelet.exec("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
        "-H", "User-Agent: kube-probe/1.30", "-H", "Accept: */*", "http://" + plain.ip() + ":" + PORT + "/ready");
    assertEquals("503", http.getStdout().trim(), "the original httpGet: " + http);
    // tcpSocket: the kubelet only connects, and the capture hands the connection to the sidecar, so
    // the probe passes while the app is unreachable: any byte sent is answered with a reset.
    ExecResult connect = kubelet.exec("ncat", "-z", "-w", "5", plain.ip(), Integer.toString(PORT));
    assertEquals(0, connect.getExitCode(), "the original tcpSocket probe connects (to the sidecar): " + connect);
    ExecResult tcp = kubelet.exec("timeout", "20", "sh", "-c", "echo ping | ncat -w 10 " + plain.ip() + " " + PORT);
    assertEquals("Ncat: Connection reset by peer.", (tcp.getStdout() + tcp.getStderr()).trim(), tcp.toString());
  }

  private static Map<String, Object> httpGet(InjectedPod spec, String probe) {
    Map<String, Object> get = map(map(spec.appContainer(APP).get(probe)).get("httpGet"));
    assertTrue(!get.isEmpty(), probe + " was not rewritten to an httpGet: " + spec.appContainer(APP).get(probe));
    return get;
  }

  /** The kubelet's HTTP probe: GET from outside the pod with kube-probe's headers; prints the status. */
  private String kubeletGet(ContainerPod pod, Map<String, Object> get) {
    String url = "http://" + pod.ip() + ":" + get.get("port") + get.get("path");
    ExecResult result = kubelet.exec("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
        "-H", "User-Agent: kube-probe/1.30", "-H", "Accept: */*", url);
    assertEquals(0, result.getExitCode(), url + ": " + result);
    return result.getStdout().trim();
  }
}
