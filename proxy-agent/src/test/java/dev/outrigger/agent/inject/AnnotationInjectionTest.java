package dev.outrigger.agent.inject;

import static dev.outrigger.agent.inject.Injected.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.config.InboundMode;
import dev.outrigger.iptables.IptablesCommand;
import dev.outrigger.iptables.config.ExcludedCidrs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Istio's annotations, with Istio's meaning, and ours; every output is also schema-checked. */
class AnnotationInjectionTest {
  static String pod(String... annotations) {
    StringBuilder meta = new StringBuilder();
    for (int i = 0; i < annotations.length; i += 2) {
      meta.append("    ").append(annotations[i]).append(": '").append(annotations[i + 1].replace("'", "''")).append("'\n");
    }
    return """
        apiVersion: v1
        kind: Pod
        metadata:
          name: app
          annotations:
        %s    x: y
        spec:
          initContainers:
          - name: migrate
            image: migrate
          containers:
          - name: app
            image: nginx
          - name: worker
            image: worker
        """.formatted(meta);
  }

  @Test
  void eachTrafficAnnotationBecomesItsIstioIptablesFlag() {
    Map<String, Object> out = injectOne(pod(
        Annotations.INCLUDE_INBOUND_PORTS, "80, 8080",
        Annotations.EXCLUDE_INBOUND_PORTS, "8081",
        Annotations.INCLUDE_OUTBOUND_IP_RANGES, "10.0.0.0/8,fd00::/8",
        Annotations.EXCLUDE_OUTBOUND_IP_RANGES, "10.96.0.1/32",
        Annotations.INCLUDE_OUTBOUND_PORTS, "443",
        Annotations.EXCLUDE_OUTBOUND_PORTS, "3306,5432",
        Annotations.EXCLUDE_INTERFACES, "eth1"));
    assertEquals(List.of("iptables", "-p", "15001", "-z", "15006", "-u", "1337", "-m", "REDIRECT",
        "-i", "10.0.0.0/8,fd00::/8", "-x", "10.96.0.1/32", "-b", "80,8080", "-d", "15090,15021,15020,8081",
        "-q", "443", "-o", "3306,5432", "-c", "eth1"), args(init(out)));
  }

  /** Istio's injector inputs kubevirtInterfaces*.yaml and reroute-virtual-interfaces*.yaml and the -k their goldens carry. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "traffic.sidecar.istio.io/kubevirtInterfaces|net1|||net1",
      "traffic.sidecar.istio.io/kubevirtInterfaces|net1,net2|||net1,net2",
      "istio.io/reroute-virtual-interfaces|net0ps2|traffic.sidecar.istio.io/kubevirtInterfaces|net1|net0ps2",
      "istio.io/reroute-virtual-interfaces|net1ps5,net2qr9|||net1ps5,net2qr9"})
  void virtualInterfacesBecomeDashK(String name, String value, String other, String otherValue, String expected) {
    Map<String, Object> out = other == null ? injectOne(pod(name, value)) : injectOne(pod(name, value, other, otherValue));
    List<String> args = args(init(out));
    assertEquals(List.of("-k", expected), args.subList(args.size() - 2, args.size()), args.toString());
  }

  @Test
  void withoutVirtualInterfacesThereIsNoDashK() {
    assertFalse(args(init(injectOne(pod()))).contains("-k"));
  }

  @Test
  void dashKComesBeforeDashCAsInIstiosTemplate() {
    List<String> args = args(init(injectOne(pod(Annotations.KUBEVIRT_INTERFACES, "net1", Annotations.EXCLUDE_INTERFACES, "eth1"))));
    assertEquals(List.of("-k", "net1", "-c", "eth1"), args.subList(args.size() - 4, args.size()));
  }

  @Test
  void theRulesVersionAnnotationIsPassedToTheInitContainer() {
    List<String> args = args(init(injectOne(pod(Annotations.RULES_VERSION, "1.12"))));
    assertEquals(List.of("--rules-version", "1.12"), args.subList(args.size() - 2, args.size()));
    assertFalse(args(init(injectOne(pod()))).contains("--rules-version"), "unset: the command's default, the newest release");
  }

  @Test
  void proxyMetadataIsTheEnvironmentOfInitAndProxySoDnsCaptureReachesRulesAndProxy() {
    Map<String, Object> init = init(injectOne(pod(Annotations.PROXY_CONFIG,
        "{\"proxyMetadata\":{\"ISTIO_META_DNS_CAPTURE\":\"true\",\"INVALID_DROP\":\"true\"}}")));
    assertEquals(List.of(Map.of("name", "INVALID_DROP", "value", "true"), Map.of("name", "ISTIO_META_DNS_CAPTURE", "value", "true")),
        init.get("env"));
    assertFalse(init(injectOne(pod())).containsKey("env"), "no proxyMetadata, no env (as Istio's template)");
    Map<String, Object> proxy = proxy(injectOne(pod(Annotations.PROXY_CONFIG, "{\"proxyMetadata\":{\"ISTIO_META_DNS_CAPTURE\":\"true\"}}")));
    assertEquals("true", envValue(proxy, "ISTIO_META_DNS_CAPTURE"), "and the proxy runs the DNS proxy they send it to");
  }

  @Test
  void anUnsupportedRulesVersionIsRefusedAtInjection() {
    InjectionException e = assertThrows(InjectionException.class, () -> inject(pod(Annotations.RULES_VERSION, "1.15")));
    assertTrue(e.getMessage().startsWith("Pod app: annotation outrigger.dev/rulesVersion: '1.15' is not a supported Istio version"
        + " (supported: 1.12,"), e.getMessage());
  }

  @Test
  void excludingEveryOutboundRangeIsRefusedAsOutriggerIptablesRefusesIt() {
    InjectionException e = assertThrows(InjectionException.class,
        () -> inject(pod(Annotations.EXCLUDE_OUTBOUND_IP_RANGES, " * ")));
    assertEquals("Pod app: annotation traffic.sidecar.istio.io/excludeOutboundIPRanges: '*' cannot be excluded"
        + " (expected: CIDR list)", e.getMessage());

    StringWriter err = new StringWriter();
    int exit = new CommandLine(new IptablesCommand()).setErr(new PrintWriter(err, true))
        .execute("-u", "1337", "-x", " * ", "--dry-run");
    assertEquals(2, exit);
    assertEquals("outrigger iptables: invalid --istio-service-exclude-cidr (ISTIO_SERVICE_EXCLUDE_CIDR): '*' cannot be"
        + " excluded (expected: CIDR list)\n", err.toString());
    assertTrue(e.getMessage().endsWith(ExcludedCidrs.WILDCARD_REFUSED) && err.toString().contains(ExcludedCidrs.WILDCARD_REFUSED));
  }

  @Test
  void portsTheProxyExcludesAnywayAreNotRepeated() {
    Map<String, Object> out = injectOne(pod(Annotations.EXCLUDE_INBOUND_PORTS, "15021,9000"));
    assertEquals("15090,15021,15020,9000", args(init(out)).get(16));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"holdApplicationUntilProxyStarts\": true}",
      "holdApplicationUntilProxyStarts: true\nconcurrency: 2"})
  void holdApplicationPutsTheProxyFirstAndWaitsForIt(String proxyConfig) {
    Map<String, Object> out = injectOne(pod(Annotations.PROXY_CONFIG, proxyConfig));
    assertEquals(List.of(ProxyContainer.NAME, "app", "worker"), names(Injected.pod(out).containers()));
    assertEquals(tree("{postStart: {exec: {command: [outrigger, wait]}}}"), proxy(out).get("lifecycle"));
    assertEquals("app", Injected.pod(out).annotations().get(Annotations.DEFAULT_CONTAINER), "kubectl still defaults to the app");
  }

  @Test
  void withoutHoldTheProxyComesLastAndWaitsForNothing() {
    Map<String, Object> out = injectOne(pod());
    assertEquals(List.of("app", "worker", ProxyContainer.NAME), names(Injected.pod(out).containers()));
    assertEquals(List.of("migrate", InitContainer.NAME), names(Injected.pod(out).initContainers()),
        "the pod's init containers run before capture");
    assertNull(proxy(out).get("lifecycle"));
  }

  @Test
  void holdCanBeTheDefault() {
    String out = inject(pod(), new InjectionDefaults("img", false, true, InboundMode.PRESERVE));
    assertEquals(ProxyContainer.NAME, names(Injected.pod(tree(out)).containers()).get(0));
  }

  @Test
  void nativeSidecarIsAnInitContainerRightAfterCapture() {
    Map<String, Object> out = injectOne(pod(Annotations.NATIVE_SIDECAR, "true",
        Annotations.PROXY_CONFIG, "{\"holdApplicationUntilProxyStarts\": true}"));
    PodTemplate pod = Injected.pod(out);
    assertEquals(List.of(InitContainer.NAME, ProxyContainer.NAME, "migrate"), names(pod.initContainers()));
    assertEquals(List.of("app", "worker"), names(pod.containers()));
    assertEquals("Always", proxy(out).get("restartPolicy"));
    assertNull(proxy(out).get("lifecycle"), "its startup probe holds the app already");
  }

  @Test
  void nativeSidecarCanBeTheDefaultAndAnnotationsTurnItOff() {
    InjectionDefaults nativeByDefault = new InjectionDefaults("img", true, false, InboundMode.PRESERVE);
    assertEquals("Always", proxy(tree(inject(pod(), nativeByDefault))).get("restartPolicy"));
    String off = inject(pod(Annotations.NATIVE_SIDECAR, "false"), nativeByDefault);
    assertEquals(List.of("app", "worker", ProxyContainer.NAME), names(Injected.pod(tree(off)).containers()));
  }

  @Test
  void interceptionModeNoneInjectsTheProxyWithoutCapture() {
    Map<String, Object> out = injectOne(pod(Annotations.INTERCEPTION_MODE, "NONE"));
    assertEquals(List.of("migrate"), names(Injected.pod(out).initContainers()));
    assertTrue(proxy(out).get("env").toString().contains("value=NONE"), proxy(out).get("env").toString());
  }

  @ParameterizedTest
  @CsvSource({"loopback,loopback", "LOCALHOST,loopback", "preserve,preserve", "PASSTHROUGH,preserve"})
  void inboundModeAnnotationSetsTheProxysEnvironment(String annotation, String env) {
    Map<String, Object> out = injectOne(pod(Annotations.INBOUND_MODE, annotation));
    assertTrue(((List<?>) proxy(out).get("env")).contains(tree("{name: OUTRIGGER_INBOUND_MODE, value: " + env + "}")));
  }

  @Test
  void localhostInboundPortsAnnotationSetsTheProxysEnvironmentAndIsOtherwiseAbsent() {
    Map<String, Object> out = injectOne(pod(Annotations.LOCALHOST_INBOUND_PORTS, "9090, 8080"));
    assertTrue(((List<?>) proxy(out).get("env")).contains(
        tree("{name: OUTRIGGER_LOCALHOST_INBOUND_PORTS, value: '8080,9090'}")), proxy(out).get("env").toString());
    assertFalse(proxy(injectOne(pod())).get("env").toString().contains("OUTRIGGER_LOCALHOST_INBOUND_PORTS"));
  }

  @Test
  void imageAndResourcesFollowTheirAnnotations() {
    Map<String, Object> out = injectOne(pod(Annotations.PROXY_IMAGE, "registry.example/outrigger:1.2",
        Annotations.PROXY_CPU, "50m", Annotations.PROXY_MEMORY_LIMIT, "256Mi"));
    assertEquals("registry.example/outrigger:1.2", proxy(out).get("image"));
    assertEquals("registry.example/outrigger:1.2", init(out).get("image"));
    assertEquals(tree("{requests: {cpu: 50m}, limits: {memory: 256Mi}}"), proxy(out).get("resources"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "traffic.sidecar.istio.io/includeInboundPorts|http",
      "traffic.sidecar.istio.io/excludeInboundPorts|70000",
      "traffic.sidecar.istio.io/includeOutboundIPRanges|10.0.0.0/33",
      "traffic.sidecar.istio.io/excludeOutboundIPRanges|10.0.0.1",
      "traffic.sidecar.istio.io/excludeOutboundPorts|*",
      "traffic.sidecar.istio.io/excludeOutboundIPRanges|*",
      "traffic.sidecar.istio.io/kubevirtInterfaces|net 1",
      "istio.io/reroute-virtual-interfaces|averyveryverylongname",
      "sidecar.istio.io/interceptionMode|MAGIC",
      "sidecar.istio.io/nativeSidecar|maybe",
      "outrigger.dev/inboundMode|sideways",
      "outrigger.dev/localhostInboundPorts|http",
      "outrigger.dev/localhostInboundPorts|0",
      "proxy.istio.io/config|{holdApplicationUntilProxyStarts: [",
      "proxy.istio.io/config|holdApplicationUntilProxyStarts: soon",
      "sidecar.istio.io/proxyCPU|lots"})
  void aBadValueIsRefusedNamingTheAnnotation(String annotation, String value) {
    InjectionException e = assertThrows(InjectionException.class, () -> inject(pod(annotation, value)));
    assertTrue(e.getMessage().startsWith("Pod app: annotation " + annotation), e.getMessage());
  }

  /** Istio's template for TPROXY: -m TPROXY, the mode in the proxy's environment, NET_ADMIN, uid 0 and gid 1337. */
  @Test
  void tproxyIsCapturedWithTproxyAndTheProxyGetsWhatIstioGivesIt() {
    List<String> notices = new java.util.ArrayList<>();
    Map<String, Object> out = tree(new KubeInject(InjectionDefaults.standard())
        .inject(pod(Annotations.INTERCEPTION_MODE, "TPROXY"), notices::add));
    assertEquals("TPROXY", args(init(out)).get(args(init(out)).indexOf("-m") + 1));
    assertTrue(notices.stream().noneMatch(n -> n.contains("TPROXY")), notices.toString());
    Map<String, Object> proxy = proxy(out);
    assertEquals("TPROXY", envValue(proxy, "ISTIO_META_INTERCEPTION_MODE"));
    Map<?, ?> security = (Map<?, ?>) proxy.get("securityContext");
    assertEquals(Map.of("add", List.of("NET_ADMIN"), "drop", List.of("ALL")), security.get("capabilities"));
    assertEquals(0, ((Number) security.get("runAsUser")).intValue());
    assertEquals(1337, ((Number) security.get("runAsGroup")).intValue());
    assertEquals(false, security.get("runAsNonRoot"));
  }

  @Test
  void redirectKeepsTheProxyUnprivileged() {
    Map<String, Object> out = tree(new KubeInject(InjectionDefaults.standard()).inject(pod(Annotations.INTERCEPTION_MODE, "REDIRECT"), n -> { }));
    Map<?, ?> security = (Map<?, ?>) proxy(out).get("securityContext");
    assertEquals(Map.of("drop", List.of("ALL")), security.get("capabilities"));
    assertEquals(1337, ((Number) security.get("runAsUser")).intValue());
  }

  @SuppressWarnings("unchecked")
  private static String envValue(Map<String, Object> container, String name) {
    return ((List<Map<String, Object>>) container.get("env")).stream().filter(e -> name.equals(e.get("name")))
        .map(e -> String.valueOf(e.get("value"))).findFirst().orElseThrow();
  }

  @ParameterizedTest
  @CsvSource({"false", "no", "off", "disabled"})
  void anyValueButTrueOptsOut(String value) {
    String manifest = pod(Annotations.INJECT, value);
    assertEquals(manifest, new KubeInject(InjectionDefaults.standard()).inject(manifest, notice -> {}));
  }

  @Test
  void theLabelWinsOverTheAnnotation() {
    String manifest = pod(Annotations.INJECT, "true").replace("  name: app\n", "  name: app\n  labels:\n    sidecar.istio.io/inject: 'false'\n");
    List<String> notices = new java.util.ArrayList<>();
    assertEquals(manifest, new KubeInject(InjectionDefaults.standard()).inject(manifest, notices::add));
    assertEquals(List.of("skipped Pod app: sidecar.istio.io/inject is \"false\""), notices);
    assertFalse(inject(pod(Annotations.INJECT, "true")).equals(pod(Annotations.INJECT, "true")));
  }
}
