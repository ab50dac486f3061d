package dev.outrigger.agent.inject;

import static dev.outrigger.agent.inject.Injected.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.config.InboundMode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Pods Istio admits (never refused: left unchanged, merged or warned about), and injecting twice. */
class RefusalAndIdempotenceTest {
  private static final String POD = """
      apiVersion: v1
      kind: Pod
      metadata:
        name: app
        namespace: shop
      spec:
        containers:
        - name: app
          image: nginx
      """;

  private static List<String> notices(String manifest) {
    return Injected.notices(manifest, InjectionDefaults.standard());
  }

  @Test
  void hostNetworkPodsAreLeftUnchangedAsIstioLeavesThem() {
    assertEquals(documents(IstioTestdata.HELLO_HOST_NETWORK).get(0), inject(IstioTestdata.HELLO_HOST_NETWORK));
    String notice = notices(IstioTestdata.HELLO_HOST_NETWORK).get(0);
    assertTrue(notice.startsWith("skipped Deployment hello-host-network: the pod uses the host's network"), notice);
  }

  @Test
  void anAppRunningAsTheProxysUidIsInjectedWithAWarningAsIstioAdmitsIt() {
    String podLevel = POD.replace("spec:\n", "spec:\n  securityContext:\n    runAsUser: 1337\n");
    assertEquals(List.of(ProxyContainer.NAME), names(pod(tree(inject(podLevel))).containers()).subList(1, 2));
    assertTrue(notices(podLevel).get(0).contains("container app runs as uid 1337"), notices(podLevel).toString());
    String containerLevel = POD.replace("image: nginx\n", "image: nginx\n    securityContext: {runAsUser: 1337}\n");
    assertTrue(notices(containerLevel).get(0).contains("container app runs as uid 1337"));
  }

  @Test
  void theContainersOwnUidOverridesThePods() {
    String overridden = POD.replace("spec:\n", "spec:\n  securityContext:\n    runAsUser: 1337\n")
        .replace("image: nginx\n", "image: nginx\n    securityContext: {runAsUser: 1000}\n");
    assertEquals(List.of(), notices(overridden));
  }

  @Test
  void anInitContainerMayRunAsTheProxysUidToBypassCapture() {
    String init = POD.replace("spec:\n", "spec:\n  initContainers:\n  - name: fetch\n    image: curl\n"
        + "    securityContext: {runAsUser: 1337}\n");
    assertEquals(List.of(), notices(init));
  }

  @Test
  void gatewayPodsAreAdmittedUnchangedWithAWarning() {
    assertEquals(documents(IstioTestdata.GATEWAY).get(0), inject(IstioTestdata.GATEWAY));
    String notice = notices(IstioTestdata.GATEWAY).get(0);
    assertTrue(notice.contains("inject.istio.io/templates asks for gateway") && notice.contains("no gateway proxy"),
        notice);
  }

  @Test
  void aTemplateIstioDoesNotKnowFailsAsInIstio() {
    String custom = POD.replace("  namespace: shop\n", "  namespace: shop\n  annotations: {inject.istio.io/templates: hello}\n");
    InjectionException e = assertThrows(InjectionException.class, () -> inject(custom));
    assertTrue(e.getMessage().contains("annotation inject.istio.io/templates: 'hello'"), e.getMessage());
    String sidecar = POD.replace("  namespace: shop\n", "  namespace: shop\n  annotations: {inject.istio.io/templates: sidecar}\n");
    assertTrue(pod(tree(inject(sidecar))).annotations().containsKey(Annotations.STATUS));
  }

  @Test
  void thePodsOwnIstioProxyAndIstioInitAreMergedOverTheInjectedOnesAsIstioDoes() {
    Map<String, Object> out = tree(inject(IstioTestdata.PROXY_OVERRIDE));
    PodTemplate pod = pod(out);
    assertEquals(List.of("hello", ProxyContainer.NAME), names(pod.containers()));
    Map<String, Object> proxy = proxy(out);
    assertEquals(InjectionDefaults.standard().image(), proxy.get("image"), "image: auto keeps the injector's");
    assertEquals(Map.of("limits", Map.of("cpu", "3000m", "memory", "1Gi"), "requests", Map.of("cpu", "123m", "memory", "128Mi")),
        proxy.get("resources"));
    assertEquals(true, proxy.get("tty"));
    assertEquals("/foo/bar", proxy.get("terminationMessagePath"));
    assertEquals(30, ((Map<?, ?>) proxy.get("livenessProbe")).get("failureThreshold"));
    assertTrue(proxy.containsKey("lifecycle"));
    Map<?, ?> security = (Map<?, ?>) proxy.get("securityContext");
    assertEquals(1234, security.get("runAsUser"));
    assertEquals(true, security.get("allowPrivilegeEscalation"));
    assertEquals(Map.of("drop", List.of("ALL")), security.get("capabilities"), "fields the pod leaves out stay ours");
    List<?> mounts = (List<?>) proxy.get("volumeMounts");
    assertEquals(Map.of("mountPath", "/etc/certs", "name", "certs"), mounts.get(mounts.size() - 1));
    Map<String, Object> init = init(out);
    assertEquals(List.of("my", "custom", "args"), args(init));
    assertEquals("fake/custom-image", init.get("image"));
    assertEquals(Map.of("drop", List.of("ALL"), "add", List.of("NET_ADMIN", "NET_RAW")),
        ((Map<?, ?>) init.get("securityContext")).get("capabilities"));
    assertTrue(pod.annotations().get(Annotations.OVERRIDES).contains("\"terminationMessagePath\":\"/foo/bar\""));
    assertEquals("hello", envOf(proxy, "ISTIO_META_APP_CONTAINERS", IstiodSettings.standard(), IstioTestdata.PROXY_OVERRIDE));
    String once = inject(IstioTestdata.PROXY_OVERRIDE);
    assertEquals(once, inject(once), "the overrides are re-applied from proxy.istio.io/overrides");
  }

  @Test
  void theProxysOwnUidIsTheOneCaptureLetsThrough() {
    String proxyAs1234 = POD.replace("  - name: app\n", "  - name: istio-proxy\n    image: auto\n"
        + "    securityContext: {runAsUser: 1234}\n  - name: app\n");
    List<String> args = args(init(tree(inject(proxyAs1234))));
    assertEquals("1234", args.get(args.indexOf("-u") + 1));
  }

  @Test
  void thePodsOwnArgsAndCommandReplaceTheInjectedOnes() {
    Map<String, Object> proxy = proxy(tree(inject(IstioTestdata.PROXY_OVERRIDE_ARGS)));
    assertEquals(List.of("-c", "my-config.yaml"), proxy.get("args"));
    assertEquals(List.of("envoy"), proxy.get("command"));
  }

  @Test
  void aPodIstioInjectedIsStrippedOfIstiosSidecarAndInjectedAgain() {
    String istio = POD.replace("  namespace: shop\n", "  namespace: shop\n  annotations:\n    sidecar.istio.io/status: '"
            + IstioTestdata.ISTIO_STATUS + "'\n")
        .replace("spec:\n", "spec:\n  initContainers:\n  - name: istio-init\n    image: docker.io/istio/proxyv2\n")
        + "  - name: istio-proxy\n    image: docker.io/istio/proxyv2\n    args: [proxy, sidecar]\n";
    Map<String, Object> out = tree(inject(istio));
    assertEquals(List.of("app", ProxyContainer.NAME), names(pod(out).containers()));
    assertEquals(List.of("proxy"), proxy(out).get("args"));
    assertEquals(InjectionDefaults.standard().image(), init(out).get("image"));
    assertEquals(List.of(), InjectionStatus.parse(pod(out).annotations().get(Annotations.STATUS)).imagePullSecrets());
  }

  @Test
  void theStatusIsIstiosShapeAndNamesTheServedRevision() {
    InjectionDefaults canary = InjectionDefaults.standard().withRevision("canary");
    PodTemplate pod = pod(tree(inject(POD, canary)));
    assertEquals("{\"initContainers\":[\"istio-init\"],\"containers\":[\"istio-proxy\"],\"volumes\":[\"outrigger-tmp\"],"
        + "\"imagePullSecrets\":null,\"revision\":\"canary\"}", pod.annotations().get(Annotations.STATUS));
    assertEquals("canary", pod.annotations().get(Annotations.REVISION));
    assertEquals("default", pod(tree(inject(POD))).annotations().get(Annotations.REVISION));
    assertThrows(IllegalArgumentException.class, () -> InjectionDefaults.standard().withRevision("Canary 1"));
    // A native sidecar is an init container: Istio's goldens show "containers":null then.
    InjectionDefaults nativeSidecar = new InjectionDefaults("img", true, false, InboundMode.PRESERVE);
    assertEquals("{\"initContainers\":[\"istio-init\",\"istio-proxy\"],\"containers\":null,\"volumes\":[\"outrigger-tmp\"],"
        + "\"imagePullSecrets\":null,\"revision\":\"default\"}",
        pod(tree(inject(POD, nativeSidecar))).annotations().get(Annotations.STATUS));
  }

  @Test
  void aNativeSidecarTakesThePodsOwnIstioProxyFromTheContainersAsIstioMovesIt() {
    InjectionDefaults nativeSidecar = new InjectionDefaults("img", true, false, InboundMode.PRESERVE);
    String once = inject(IstioTestdata.PROXY_OVERRIDE, nativeSidecar);
    PodTemplate pod = pod(tree(once));
    assertEquals(List.of("hello"), names(pod.containers()));
    assertEquals(List.of(InitContainer.NAME, ProxyContainer.NAME), names(pod.initContainers()));
    assertEquals("/foo/bar", proxy(tree(once)).get("terminationMessagePath"));
    assertTrue(pod.annotations().get(Annotations.OVERRIDES).startsWith("{\"initContainers\":["),
        "recorded where the injected container went, as in Istio's golden");
    assertEquals(once, inject(once, nativeSidecar));
  }

  /** The value of a variable of the proxy once injected with istiod's wiring. */
  @SuppressWarnings("unchecked")
  private static String envOf(Map<String, Object> ignored, String name, IstiodSettings istiod, String manifest) {
    Map<String, Object> proxy = proxy(tree(inject(manifest, InjectionDefaults.standard().withIstiod(istiod))));
    return ((List<Map<String, Object>>) proxy.get("env")).stream().filter(e -> name.equals(e.get("name")))
        .map(e -> String.valueOf(e.get("value"))).findFirst().orElse(null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "sidecar.istio.io/nativeSidecar: 'true'", "sidecar.istio.io/interceptionMode: NONE",
      "proxy.istio.io/config: '{\"holdApplicationUntilProxyStarts\": true}'",
      "traffic.sidecar.istio.io/excludeInboundPorts: '9000'"})
  void injectingTwiceChangesNothing(String annotation) {
    String manifest = POD.replace("  namespace: shop\n", "  namespace: shop\n  annotations: {" + annotation + "}\n");
    String once = inject(manifest);
    assertEquals(once, inject(once));
  }

  @Test
  void reinjectionReadsTheAnnotationsTheFirstWroteAsThePodsOwnAsIstioDoes() {
    String once = inject(POD);
    // Istio's template writes the effective settings as annotations and re-reads them: a changed default does
    // not apply to an injected pod (its annotation stays), the image and revision do.
    String loopback = inject(once, new InjectionDefaults("img:2", false, false, InboundMode.LOOPBACK).withRevision("canary"));
    assertEquals("preserve", pod(tree(loopback)).annotations().get(Annotations.INBOUND_MODE));
    assertEquals("img:2", proxy(tree(loopback)).get("image"));
    assertEquals("canary", pod(tree(loopback)).annotations().get(Annotations.REVISION));
    Map<String, Object> edited = tree(once);
    pod(edited).setAnnotation(Annotations.INCLUDE_INBOUND_PORTS, "80");
    pod(edited).setAnnotation(Annotations.INBOUND_MODE, "loopback");
    Map<String, Object> again = tree(inject(ManifestYaml.dump(edited)));
    assertEquals("80", args(init(again)).get(14), "an annotation edited after injection is the user's");
    assertEquals("loopback", pod(again).annotations().get(Annotations.INBOUND_MODE));
  }
}
