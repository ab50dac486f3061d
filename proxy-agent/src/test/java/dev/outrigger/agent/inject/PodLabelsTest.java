package dev.outrigger.agent.inject;

import static dev.outrigger.agent.inject.Injected.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The labels of Istio's injection template (injection-template.yaml, metadata.labels) and its
 * istio.io/rev annotation, on Istio's own test inputs (pkg/kube/inject/testdata/inject/*.yaml):
 * each expectation is the value in Istio's .injected golden for that input.
 */
class PodLabelsTest {
  private static final InjectionDefaults XDS = InjectionDefaults.standard().withIstiod(IstiodSettings.standard());

  private static final String HELLO = IstioTestdata.HELLO;

  /** HELLO with these labels in place of its pod template's. */
  private static String helloLabelled(String labels) {
    String template = "        app: hello\n        tier: backend\n        track: stable\n    spec:\n";
    if (!HELLO.contains(template)) {
      throw new AssertionError("HELLO's pod template labels moved");
    }
    return HELLO.replace(template, labels.indent(8) + "    spec:\n");
  }

  private static Map<String, String> labels(String manifest, InjectionDefaults defaults) {
    return pod(tree(inject(manifest, defaults))).labels();
  }

  private static Map<String, String> labels(String manifest) {
    return labels(manifest, XDS);
  }

  @Test
  void helloGetsTlsModeAndItsAppAsCanonicalNameAtRevisionLatest() {
    // hello.yaml.injected: the pod's labels are kept, the three are added.
    assertEquals(Map.of("app", "hello", "tier", "backend", "track", "stable",
        "security.istio.io/tlsMode", "istio",
        "service.istio.io/canonical-name", "hello",
        "service.istio.io/canonical-revision", "latest"), labels(HELLO));
  }

  @Test
  void aPassthroughSidecarGetsTheCanonicalLabelsButNoTlsMode() {
    // Ours: without istiod the sidecar has no certificate, so it must not invite istiod's auto mTLS.
    Map<String, String> labels = labels(HELLO, InjectionDefaults.standard());
    assertFalse(labels.containsKey(PodLabels.TLS_MODE), labels.toString());
    assertEquals("hello", labels.get(PodLabels.CANONICAL_NAME));
    assertEquals("latest", labels.get(PodLabels.CANONICAL_REVISION));
  }

  @Test
  void theVersionLabelIsTheCanonicalRevisionAndAppWinsOverTheWorkloadName() {
    // hello-multi.yaml / list.yaml: Deployments hello-v1 and hello-v2 of app hello.
    Map<String, String> labels = labels(helloLabelled("app: hello\nversion: v1\n").replace("name: hello\nspec",
        "name: hello-v1\nspec"));
    assertEquals("hello", labels.get(PodLabels.CANONICAL_NAME));
    assertEquals("v1", labels.get(PodLabels.CANONICAL_REVISION));
    assertEquals("v1", labels.get("version"));
  }

  @Test
  void appKubernetesIoVersionComesBeforeVersion() {
    // hello-otel-semconv.yaml: app.kubernetes.io/version "v1.2.3" gives the revision; the template
    // looks at app.kubernetes.io/version before version.
    assertEquals("v1.2.3", labels(helloLabelled("app: hello\napp.kubernetes.io/version: \"v1.2.3\"\n"))
        .get(PodLabels.CANONICAL_REVISION));
    assertEquals("v1.2.3", labels(helloLabelled("app: hello\nversion: v1\napp.kubernetes.io/version: v1.2.3\n"))
        .get(PodLabels.CANONICAL_REVISION));
  }

  @Test
  void theNameComesFromTheCanonicalLabelThenAppKubernetesIoNameThenApp() {
    // deploymentconfig-with-canonical-service-label.yaml: the pod's canonical-name wins over app.
    assertEquals("test-service-name", labels(helloLabelled(
        "app: hello\nservice.istio.io/canonical-name: test-service-name\nservice.istio.io/workload-name: test-workload-name\n"))
        .get(PodLabels.CANONICAL_NAME));
    assertEquals("greeter", labels(helloLabelled("app: hello\napp.kubernetes.io/name: greeter\n"))
        .get(PodLabels.CANONICAL_NAME));
    assertEquals("v7", labels(helloLabelled("version: v1\nservice.istio.io/canonical-revision: v7\n"))
        .get(PodLabels.CANONICAL_REVISION));
  }

  @Test
  void withoutAppLabelsThePodIsNamedByItsWorkload() {
    // pod.yaml: a Pod hellopod without labels.
    String pod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: hellopod
        spec:
          containers:
            - name: hello
              image: "fake.docker.io/google-samples/hello-go-gke:1.0"
        """;
    assertEquals("hellopod", labels(pod).get(PodLabels.CANONICAL_NAME));
    // A workload's pod template: the workload's name (kube-inject's DeploymentMeta).
    assertEquals("hello", labels(helloLabelled("tier: backend\n")).get(PodLabels.CANONICAL_NAME));
  }

  @Test
  void aLongNameIsCutTo63CharactersWithoutATrailingDash() {
    // truncate-canonical-name-pod.yaml
    assertEquals("helloworld-helloworld-helloworld-helloworld-helloworld-hellowor", labels("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: helloworld-helloworld-helloworld-helloworld-helloworld-helloworld
        spec:
          containers:
            - name: hello
              image: "fake.docker.io/google-samples/hello-go-gke:1.0"
        """).get(PodLabels.CANONICAL_NAME));
    // truncate-canonical-name-custom-controller-pod.yaml: the controller's name, cut at its 63rd
    // character, a dash, which goes.
    assertEquals("helloworld-helloworld-helloworld-helloworld-helloworld-hellowo", labels("""
        apiVersion: v1
        kind: Pod
        metadata:
          generateName: helloworld-
          name: helloworld-helloworld
          ownerReferences:
            - apiVersion: foo/v1
              controller: true
              kind: Bar
              name: helloworld-helloworld-helloworld-helloworld-helloworld-hellowo-ld
              uid: 12345678-1234-1234-1234-123456789012
        spec:
          containers:
            - name: hello
              image: "fake.docker.io/google-samples/hello-go-gke:1.0"
        """).get(PodLabels.CANONICAL_NAME));
    assertEquals("a.b", PodLabels.canonicalName("_-a.b.-"));
  }

  @Test
  void thePodsOwnTlsModeIsKeptAndAnEmptyLabelCountsAsUnset() {
    assertEquals("disabled", labels(helloLabelled("app: hello\nsecurity.istio.io/tlsMode: disabled\n"))
        .get(PodLabels.TLS_MODE));
    // The template's `default` treats "" as unset.
    Map<String, String> empty = labels(helloLabelled("app: \"\"\nsecurity.istio.io/tlsMode: \"\"\nversion: \"\"\n"));
    assertEquals("istio", empty.get(PodLabels.TLS_MODE));
    assertEquals("hello", empty.get(PodLabels.CANONICAL_NAME));
    assertEquals("latest", empty.get(PodLabels.CANONICAL_REVISION));
  }

  @Test
  void theRevisionIsAnAnnotationDefaultAndTheUsersRevLabelIsLeftAlone() {
    // Every golden has the annotation istio.io/rev: default; no golden has an istio.io/rev label.
    Map<String, Object> out = tree(inject(helloLabelled("app: hello\nistio.io/rev: canary\n"), XDS));
    assertEquals("default", pod(out).annotations().get("istio.io/rev"));
    assertEquals("canary", pod(out).labels().get("istio.io/rev"));
  }

  @Test
  void injectingTwiceChangesNothingAndReinjectionKeepsTheLabels() {
    String once = inject(HELLO, XDS);
    assertEquals(once, inject(once, XDS));
    // Istio's stripPod leaves labels alone: one the user changed after injection stays theirs,
    // and the labels injection added stay too.
    Map<String, Object> edited = tree(once);
    pod(edited).setLabel(PodLabels.CANONICAL_REVISION, "v9");
    Map<String, String> again = pod(tree(inject(ManifestYaml.dump(edited), InjectionDefaults.standard()))).labels();
    assertEquals("v9", again.get(PodLabels.CANONICAL_REVISION));
    assertEquals("hello", again.get(PodLabels.CANONICAL_NAME));
    assertEquals(List.of("app", "tier", "track"), again.keySet().stream().filter(k -> !k.contains("istio.io")).toList());
  }
}
