package dev.outrigger.agent.inject.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.JsonPatch;
import dev.outrigger.agent.inject.InjectionDefaults;
import dev.outrigger.agent.inject.IstiodSettings;
import dev.outrigger.agent.inject.ManifestInjector;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Pod;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The webhook over real HTTPS, with AdmissionReview bodies shaped as the API server sends them
 * (a ReplicaSet's pod: generateName, owner, defaulted fields, the service-account volume).
 * The patch is applied with an independent JSON Patch implementation and the result checked
 * against the Kubernetes schema.
 */
class WebhookServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private TestCertificates certificates;
  private WebhookServer server;

  @BeforeEach
  void start() throws Exception {
    certificates = TestCertificates.create(dir, "outrigger-injector");
    AdmissionReviewer reviewer = new AdmissionReviewer(new ManifestInjector(
        new InjectionDefaults("outrigger/proxy:test", false, false, dev.outrigger.core.config.InboundMode.PRESERVE)));
    server = WebhookServer.start(new InetSocketAddress("127.0.0.1", 0),
        new CertificateFiles(certificates.cert, certificates.key), reviewer);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static ObjectNode review() throws IOException {
    try (InputStream in = WebhookServerTest.class.getResourceAsStream("admission-review-httpbin.json")) {
      return (ObjectNode) JSON.readTree(in);
    }
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return certificates.client().send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** The response part of the AdmissionReview the webhook answers. */
  private JsonNode admit(JsonNode review) throws Exception {
    HttpResponse<String> http = post("/inject", JSON.writeValueAsString(review));
    assertEquals(200, http.statusCode(), http.body());
    JsonNode answer = JSON.readTree(http.body());
    assertEquals("admission.k8s.io/v1", answer.get("apiVersion").asText());
    assertEquals("AdmissionReview", answer.get("kind").asText());
    assertEquals(review.at("/request/uid").asText(), answer.at("/response/uid").asText());
    return answer.get("response");
  }

  private static JsonNode patched(JsonNode object, JsonNode response) throws IOException {
    assertEquals("JSONPatch", response.get("patchType").asText());
    JsonNode patch = JSON.readTree(Base64.getDecoder().decode(response.get("patch").asText()));
    return JsonPatch.apply(patch, object);
  }

  @Test
  void injectsThePodWithAJsonPatchTheApiServerCanApply() throws Exception {
    ObjectNode review = review();
    JsonNode response = admit(review);
    assertTrue(response.get("allowed").asBoolean());
    JsonNode pod = patched(review.at("/request/object"), response);

    V1Pod checked = V1Pod.fromJson(JSON.writeValueAsString(pod)); // strict: unknown fields fail
    assertEquals(List.of("httpbin", "istio-proxy"),
        checked.getSpec().getContainers().stream().map(V1Container::getName).toList());
    assertEquals(List.of("istio-init"),
        checked.getSpec().getInitContainers().stream().map(V1Container::getName).toList());
    assertEquals("outrigger/proxy:test", checked.getSpec().getInitContainers().get(0).getImage());
    assertEquals(List.of("kube-api-access-7xk2p", "outrigger-tmp"),
        checked.getSpec().getVolumes().stream().map(v -> v.getName()).toList());
    // What injection does not own is left as the API server sent it.
    // The app's probes go to the agent (Istio's rewrite); the originals, with the API server's defaults, to the proxy.
    ObjectNode app = (ObjectNode) review.at("/request/object/spec/containers/0").deepCopy();
    ((ObjectNode) app.at("/livenessProbe/httpGet")).put("path", "/app-health/httpbin/livez").put("port", 15020);
    ((ObjectNode) app.at("/readinessProbe/httpGet")).put("path", "/app-health/httpbin/readyz").put("port", 15020);
    assertEquals(app, pod.at("/spec/containers/0"));
    String probers = null;
    for (JsonNode env : pod.at("/spec/containers/1/env")) {
      if (env.path("name").asText().equals("ISTIO_KUBE_APP_PROBERS")) {
        probers = env.path("value").asText();
      }
    }
    assertEquals("{\"/app-health/httpbin/livez\":{\"httpGet\":{\"path\":\"/status/200\",\"port\":80,\"scheme\":\"HTTP\"},"
        + "\"timeoutSeconds\":1},\"/app-health/httpbin/readyz\":{\"httpGet\":{\"path\":\"/status/200\",\"port\":80,"
        + "\"scheme\":\"HTTP\"},\"timeoutSeconds\":1}}", probers);
    assertEquals("15020", pod.at("/metadata/annotations/prometheus.io~1port").asText());
    assertEquals(review.at("/request/object/metadata/ownerReferences"), pod.at("/metadata/ownerReferences"));
    assertEquals(review.at("/request/object/spec/tolerations"), pod.at("/spec/tolerations"));
    // Istio's status in Istio's shape: Kiali reads it to tell the workload is in the mesh.
    assertEquals("{\"initContainers\":[\"istio-init\"],\"containers\":[\"istio-proxy\"],\"volumes\":[\"outrigger-tmp\"],"
        + "\"imagePullSecrets\":null,\"revision\":\"default\"}",
        pod.at("/metadata/annotations/sidecar.istio.io~1status").asText());
    assertEquals("default", pod.at("/metadata/annotations/istio.io~1rev").asText());
    // Istio's canonical labels reach the pod; tlsMode only for a sidecar wired to istiod.
    assertEquals("httpbin", pod.at("/metadata/labels/service.istio.io~1canonical-name").asText());
    assertEquals("latest", pod.at("/metadata/labels/service.istio.io~1canonical-revision").asText());
    assertTrue(pod.at("/metadata/labels/security.istio.io~1tlsMode").isMissingNode());
    assertEquals(review.at("/request/object/metadata/labels/pod-template-hash"), pod.at("/metadata/labels/pod-template-hash"));
  }

  @Test
  void aPodWithoutAnAppLabelIsNamedByItsDeployment() throws Exception {
    ObjectNode review = review();
    ((ObjectNode) review.at("/request/object/metadata/labels")).remove("app");
    JsonNode pod = patched(review.at("/request/object"), admit(review));
    V1Pod.fromJson(JSON.writeValueAsString(pod));
    // Istio's DeploymentMeta: the ReplicaSet's name less its pod-template-hash.
    assertEquals("httpbin-deployment", pod.at("/metadata/labels/service.istio.io~1canonical-name").asText());
  }

  @Test
  void withXdsOnThePatchedPodHasIstiodsVolumesAndEnvironment() throws Exception {
    server.close();
    server = WebhookServer.start(new InetSocketAddress("127.0.0.1", 0),
        new CertificateFiles(certificates.cert, certificates.key), new AdmissionReviewer(new ManifestInjector(
            new InjectionDefaults("outrigger/proxy:test", false, false, dev.outrigger.core.config.InboundMode.PRESERVE,
                IstiodSettings.standard()))));
    ObjectNode review = review();
    JsonNode pod = patched(review.at("/request/object"), admit(review));
    V1Pod checked = V1Pod.fromJson(JSON.writeValueAsString(pod)); // strict: unknown fields fail
    assertEquals(List.of("kube-api-access-7xk2p", "outrigger-tmp", "istio-podinfo", "istio-token", "istiod-ca-cert"),
        checked.getSpec().getVolumes().stream().map(v -> v.getName()).toList());
    V1Container proxy = checked.getSpec().getContainers().get(1);
    java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
    proxy.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
    // The API server's pod has only a generateName: the workload is the ReplicaSet's Deployment.
    assertEquals("httpbin-deployment", env.get("ISTIO_META_WORKLOAD_NAME"));
    assertEquals("[\n    {\"containerPort\":80,\"protocol\":\"TCP\"}\n]", env.get("ISTIO_META_POD_PORTS"));
    assertEquals("{\"discoveryAddress\":\"istiod.istio-system.svc:15012\"}", env.get("PROXY_CONFIG"));
    assertEquals("Kubernetes", env.get("ISTIO_META_CLUSTER_ID"));
    assertEquals(List.of("/tmp", "/var/run/secrets/istio", "/var/run/secrets/tokens", "/etc/istio/pod"),
        proxy.getVolumeMounts().stream().map(m -> m.getMountPath()).toList());
    assertEquals("istio-ca", checked.getSpec().getVolumes().get(3).getProjected().getSources().get(0)
        .getServiceAccountToken().getAudience());
    assertEquals("istio", checked.getMetadata().getLabels().get("security.istio.io/tlsMode"));
    assertEquals("httpbin", checked.getMetadata().getLabels().get("service.istio.io/canonical-name"));

    ((ObjectNode) review.get("request")).set("object", pod);
    assertNull(admit(review).get("patch"), "a reinvocation patches nothing");
  }

  @Test
  void aReinvocationOnTheInjectedPodPatchesNothing() throws Exception {
    ObjectNode review = review();
    JsonNode injected = patched(review.at("/request/object"), admit(review));
    ((ObjectNode) review.get("request")).set("object", injected);
    JsonNode again = admit(review);
    assertTrue(again.get("allowed").asBoolean());
    assertNull(again.get("patch"), again.toString());
  }

  @Test
  void aPodThatOptsOutIsAllowedUnchanged() throws Exception {
    ObjectNode review = review();
    ((ObjectNode) review.at("/request/object/metadata")).putObject("annotations").put("sidecar.istio.io/inject", "false");
    JsonNode response = admit(review);
    assertTrue(response.get("allowed").asBoolean());
    assertNull(response.get("patch"));
  }

  @Test
  void aHostNetworkPodIsAllowedUnchangedAsIstioLeavesIt() throws Exception {
    ObjectNode review = review();
    ((ObjectNode) review.at("/request/object/spec")).put("hostNetwork", true);
    JsonNode response = admit(review);
    assertTrue(response.get("allowed").asBoolean());
    assertNull(response.get("patch"));
  }

  @Test
  void aBadAnnotationValueIsDeniedWithTheReasonAsIstioFailsIt() throws Exception {
    ObjectNode review = review();
    ((ObjectNode) review.at("/request/object/metadata")).putObject("annotations")
        .put("traffic.sidecar.istio.io/includeInboundPorts", "http");
    JsonNode response = admit(review);
    assertFalse(response.get("allowed").asBoolean());
    assertEquals(403, response.at("/status/code").asInt());
    String message = response.at("/status/message").asText();
    assertTrue(message.startsWith("outrigger: Pod default/httpbin-deployment-9bfd96975-*: annotation"
        + " traffic.sidecar.istio.io/includeInboundPorts"), message);
  }

  @Test
  void aGatewayPodIsAllowedUnchangedWithAWarning() throws Exception {
    ObjectNode review = review();
    ((ObjectNode) review.at("/request/object/metadata")).putObject("annotations").put("inject.istio.io/templates", "gateway");
    JsonNode response = admit(review);
    assertTrue(response.get("allowed").asBoolean());
    assertNull(response.get("patch"));
    assertTrue(response.at("/warnings/0").asText().contains("no gateway proxy"), response.toString());
  }

  @Test
  void anAppRunningAsTheProxysUidIsInjectedWithAWarning() throws Exception {
    ObjectNode review = review();
    ((ObjectNode) review.at("/request/object/spec")).putObject("securityContext").put("runAsUser", 1337);
    JsonNode response = admit(review);
    assertTrue(response.get("allowed").asBoolean());
    assertEquals("JSONPatch", response.get("patchType").asText());
    assertTrue(response.at("/warnings/0").asText().contains("runs as uid 1337"), response.toString());
  }

  @Test
  void otherResourcesAreAllowedUnchanged() throws Exception {
    ObjectNode review = review();
    ((ObjectNode) review.at("/request/kind")).put("kind", "Service");
    JsonNode response = admit(review);
    assertTrue(response.get("allowed").asBoolean());
    assertNull(response.get("patch"));
  }

  @Test
  void aBodyThatIsNotAReviewIsABadRequest() throws Exception {
    assertEquals(400, post("/inject", "{\"kind\": \"AdmissionReview\"}").statusCode());
    assertEquals(400, post("/inject", "not json").statusCode());
  }

  @Test
  void countsEachReviewAsIstiosInjectorDoesAndServesTheCounters() throws Exception {
    admit(review()); // injected
    ObjectNode optOut = review();
    ((ObjectNode) optOut.at("/request/object/metadata")).putObject("annotations").put("sidecar.istio.io/inject", "false");
    admit(optOut); // skipped
    ObjectNode bad = review();
    ((ObjectNode) bad.at("/request/object/metadata")).putObject("annotations")
        .put("traffic.sidecar.istio.io/includeInboundPorts", "http");
    admit(bad); // refused
    post("/inject", "not json"); // not a review
    HttpResponse<String> metrics = certificates.client().send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, metrics.statusCode());
    String text = metrics.body();
    for (String line : List.of("sidecar_injection_requests_total 4.0", "sidecar_injection_success_total 1.0",
        "sidecar_injection_skip_total 1.0", "sidecar_injection_failure_total 2.0")) {
      assertTrue(text.lines().anyMatch(line::equals), line + " in\n" + text);
    }
  }

  @Test
  void answersItsReadinessProbeAndNothingElse() throws Exception {
    HttpClient client = certificates.client();
    URI base = URI.create("https://127.0.0.1:" + server.port());
    assertEquals(200, client.send(HttpRequest.newBuilder(base.resolve("/healthz/ready")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
    assertEquals(404, client.send(HttpRequest.newBuilder(base.resolve("/other")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  @Test
  void aRotatedCertificateServesNewConnections() throws Exception {
    X509Certificate before = (X509Certificate) post("/healthz/ready", "").sslSession().orElseThrow()
        .getPeerCertificates()[0];
    Path next = Files.createDirectory(dir.resolve("next"));
    TestCertificates rotated = TestCertificates.create(next, "outrigger-injector-rotated");
    Files.copy(rotated.cert, certificates.cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(rotated.key, certificates.key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.setLastModifiedTime(certificates.cert, FileTime.from(Instant.now().plusSeconds(5)));

    HttpResponse<String> after = rotated.client().send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/healthz/ready")).build(),
        HttpResponse.BodyHandlers.ofString());
    X509Certificate served = (X509Certificate) after.sslSession().orElseThrow().getPeerCertificates()[0];
    assertTrue(served.getSubjectX500Principal().getName().contains("rotated"), served.getSubjectX500Principal().getName());
    assertFalse(before.equals(served));
  }

  @Test
  void theCommandFailsClearlyWithoutAUsableCertificate() {
    var err = new java.io.StringWriter();
    CommandLine command = new CommandLine(new InjectorCommand()).setErr(new java.io.PrintWriter(err));
    int exit = command.execute("--port", "0", "--tls-cert-file", dir.resolve("missing.crt").toString(),
        "--tls-key-file", certificates.key.toString());
    assertEquals(InjectorCommand.EXIT_START, exit);
    assertTrue(err.toString().contains("missing.crt"), err.toString());
  }

  @Test
  void plainHttpGetsNoAnswer() {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz/ready"))
        .timeout(java.time.Duration.ofSeconds(5)).build();
    assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()));
  }
}
