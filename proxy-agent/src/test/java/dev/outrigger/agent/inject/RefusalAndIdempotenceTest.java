package dev.outrigger.agent.inject;

import static dev.outrigger.agent.inject.Injected.*;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.config.InboundMode;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Pods that must not get a sidecar, and injecting twice. */
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

  private static InjectionException refused(String manifest) {
    return assertThrows(InjectionException.class, () -> inject(manifest));
  }

  @Test
  void hostNetworkIsRefused() {
    String message = refused(POD.replace("spec:\n", "spec:\n  hostNetwork: true\n")).getMessage();
    assertTrue(message.startsWith("Pod shop/app: the pod uses the host's network"), message);
    assertTrue(message.contains("sidecar.istio.io/inject: \"false\""), "says how to opt out: " + message);
  }

  @Test
  void anAppRunningAsTheProxysUidIsRefused() {
    String podLevel = POD.replace("spec:\n", "spec:\n  securityContext:\n    runAsUser: 1337\n");
    assertTrue(refused(podLevel).getMessage().contains("container app runs as uid 1337"));
    String containerLevel = POD.replace("image: nginx\n", "image: nginx\n    securityContext: {runAsUser: 1337}\n");
    assertTrue(refused(containerLevel).getMessage().contains("container app runs as uid 1337"));
  }

  @Test
  void theContainersOwnUidOverridesThePods() {
    String overridden = POD.replace("spec:\n", "spec:\n  securityContext:\n    runAsUser: 1337\n")
        .replace("image: nginx\n", "image: nginx\n    securityContext: {runAsUser: 1000}\n");
    assertDoesNotThrow(() -> inject(overridden));
  }

  @Test
  void anInitContainerMayRunAsTheProxysUidToBypassCapture() {
    String init = POD.replace("spec:\n", "spec:\n  initContainers:\n  - name: fetch\n    image: curl\n"
        + "    securityContext: {runAsUser: 1337}\n");
    assertDoesNotThrow(() -> inject(init));
  }

  @Test
  void aPodWithIstiosSidecarIsRefused() {
    String istio = POD.replace("  - name: app\n", "  - name: istio-proxy\n    image: proxyv2\n  - name: app\n");
    assertTrue(refused(istio).getMessage().contains("already has Istio's sidecar"));
  }

  @Test
  void aContainerNamedLikeOursButNotInjectedIsRefused() {
    String clash = POD.replace("name: app\n    image", "name: outrigger-proxy\n    image");
    assertTrue(refused(clash).getMessage().contains("already has a container named outrigger-proxy"));
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
  void reinjectionHonoursChangedAnnotationsAndDefaults() {
    String once = inject(POD);
    String loopback = inject(once, new InjectionDefaults("img:2", false, false, InboundMode.LOOPBACK));
    assertEquals("loopback", pod(tree(loopback)).annotations().get(Annotations.INBOUND_MODE));
    assertEquals("img:2", proxy(tree(loopback)).get("image"));
    Map<String, Object> edited = tree(once);
    pod(edited).setAnnotation(Annotations.INCLUDE_INBOUND_PORTS, "80");
    Map<String, Object> again = tree(inject(ManifestYaml.dump(edited)));
    assertEquals("80", args(init(again)).get(14), "an annotation edited after injection is the user's");
  }
}
