package dev.outrigger.agent.inject;

import static dev.outrigger.agent.inject.Injected.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sidecars wired to istiod (--xds on): the volumes and environment of Istio's injection template
 * (istio-discovery files/injection-template.yaml), checked against what Istio's injector writes for
 * its own test inputs (pkg/kube/inject/testdata/inject: hello.yaml, traffic-annotations.yaml and
 * their .injected files). Every output is also schema-checked (Injected.inject).
 */
class IstiodInjectionTest {
  private static final InjectionDefaults ON = InjectionDefaults.standard().withIstiod(IstiodSettings.standard());

  private static final String HELLO = IstioTestdata.HELLO;

  /** A YAML list, as the trees hold it. */
  private static Object list(String yaml) {
    return ManifestYaml.load(yaml);
  }

  private static Map<String, Object> injectOn(String manifest) {
    return tree(inject(manifest, ON));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> env(Map<String, Object> object) {
    return (List<Map<String, Object>>) proxy(object).get("env");
  }

  private static String envValue(Map<String, Object> object, String name) {
    return env(object).stream().filter(e -> name.equals(e.get("name"))).map(e -> String.valueOf(e.get("value")))
        .findFirst().orElse(null);
  }

  @Test
  void helloGetsIstiosVolumesMountsAndEnvironment() {
    Map<String, Object> out = injectOn(HELLO);
    // hello.yaml.injected's proxy environment, less what concerns Envoy and pilot-agent only
    // (PILOT_CERT_PROVIDER, CA_ADDR, ISTIO_CPU_LIMIT, GOMEMLIMIT, ISTIO_META_OWNER), plus ours;
    // PROXY_CONFIG carries the injector's discovery address (Istio's test mesh has none).
    assertEquals(list("""
        - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
        - {name: POD_NAMESPACE, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
        - {name: INSTANCE_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
        - {name: SERVICE_ACCOUNT, valueFrom: {fieldRef: {fieldPath: spec.serviceAccountName}}}
        - {name: HOST_IP, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}
        - name: PROXY_CONFIG
          value: '{"discoveryAddress":"istiod.istio-system.svc:15012"}'
        - name: ISTIO_META_POD_PORTS
          value: |-
            [
                {"name":"http","containerPort":80}
            ]
        - {name: ISTIO_META_APP_CONTAINERS, value: hello}
        - {name: ISTIO_META_CLUSTER_ID, value: Kubernetes}
        - {name: ISTIO_META_NODE_NAME, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
        - {name: ISTIO_META_INTERCEPTION_MODE, value: REDIRECT}
        - {name: ISTIO_META_WORKLOAD_NAME, value: hello}
        - {name: ISTIO_META_MESH_ID, value: cluster.local}
        - {name: TRUST_DOMAIN, value: cluster.local}
        - {name: OUTRIGGER_INBOUND_MODE, value: preserve}
        """), env(out));
    assertEquals(list("""
        - {name: outrigger-tmp, mountPath: /tmp}
        - {mountPath: /var/run/secrets/istio, name: istiod-ca-cert}
        - {mountPath: /var/run/secrets/tokens, name: istio-token}
        - {mountPath: /etc/istio/pod, name: istio-podinfo}
        """), proxy(out).get("volumeMounts"));
    assertEquals(list("""
        - name: outrigger-tmp
          emptyDir: {medium: Memory, sizeLimit: 16Mi}
        - downwardAPI:
            items:
            - fieldRef:
                fieldPath: metadata.labels
              path: labels
            - fieldRef:
                fieldPath: metadata.annotations
              path: annotations
          name: istio-podinfo
        - name: istio-token
          projected:
            sources:
            - serviceAccountToken:
                audience: istio-ca
                expirationSeconds: 43200
                path: istio-token
        - configMap:
            name: istio-ca-root-cert
          name: istiod-ca-cert
        """), pod(out).spec().get("volumes"));
    assertEquals(List.of("outrigger-tmp", "istio-podinfo", "istio-token", "istiod-ca-cert"),
        InjectionStatus.parse(pod(out).annotations().get(Annotations.STATUS)).volumes(),
        "re-injection removes them");
  }

  @Test
  void offByDefaultNothingOfIstiodIsInjected() {
    Map<String, Object> out = tree(inject(HELLO));
    assertEquals(List.of(ProxyContainer.TMP_VOLUME), names(pod(out).volumes()));
    assertEquals(list("[{name: outrigger-tmp, mountPath: /tmp}]"), proxy(out).get("volumeMounts"));
    for (String name : List.of("PROXY_CONFIG", "ISTIO_META_CLUSTER_ID", "ISTIO_META_WORKLOAD_NAME", "TRUST_DOMAIN")) {
      assertNull(envValue(out, name), name);
    }
  }

  /** HELLO with these lines under the pod template's metadata (before its labels). */
  private static String helloWithMetadata(String... lines) {
    StringBuilder extra = new StringBuilder();
    for (String line : lines) {
      extra.append("      ").append(line).append('\n');
    }
    return replaceOnce(HELLO, "    metadata:\n      labels:\n", "    metadata:\n" + extra + "      labels:\n");
  }

  /** HELLO with these lines after the hello container's port (at the container list's indentation). */
  private static String helloWithContainerLines(String... lines) {
    StringBuilder extra = new StringBuilder();
    for (String line : lines) {
      extra.append("      ").append(line).append('\n');
    }
    return replaceOnce(HELLO, "              containerPort: 80\n", "              containerPort: 80\n" + extra);
  }

  private static String replaceOnce(String text, String what, String with) {
    assertTrue(text.contains(what), what);
    return text.replace(what, with);
  }

  @Test
  void theAnnotationsProxyConfigIsMergedOverTheInjectorsAsIstioDoes() throws Exception {
    // traffic-annotations.yaml's proxy.istio.io/config, and the PROXY_CONFIG Istio wrote for it.
    String annotated = helloWithMetadata(
        "annotations:",
        "  proxy.istio.io/config: |-",
        "    discoveryAddress: foo:123",
        "    concurrency: 0",
        "    proxyMetadata:",
        "      FOO: bar",
        "      ISTIO_META_TLS_CLIENT_KEY: /etc/identity2/client/keys/client-key.pem");
    ObjectMapper json = new ObjectMapper();
    assertEquals(json.readTree("{\"discoveryAddress\":\"foo:123\",\"concurrency\":0,\"proxyMetadata\":{\"FOO\":\"bar\","
            + "\"ISTIO_META_TLS_CLIENT_KEY\":\"/etc/identity2/client/keys/client-key.pem\"}}"),
        json.readTree(envValue(injectOn(annotated), "PROXY_CONFIG")));
    // Without discoveryAddress in the annotation, the injector's stays.
    String hold = helloWithMetadata("annotations:", "  proxy.istio.io/config: '{\"holdApplicationUntilProxyStarts\": true}'");
    assertEquals(json.readTree("{\"discoveryAddress\":\"istiod.istio-system.svc:15012\","
        + "\"holdApplicationUntilProxyStarts\":true}"), json.readTree(envValue(injectOn(hold), "PROXY_CONFIG")));
    InjectionException e = assertThrows(InjectionException.class,
        () -> inject(helloWithMetadata("annotations:", "  proxy.istio.io/config: 'discoveryAddress: [a, b]'"), ON));
    assertTrue(e.getMessage().contains("discoveryAddress"), e.getMessage());
  }

  @Test
  void portsAndAppContainersListEveryAppContainer() {
    Map<String, Object> out = injectOn(helloWithContainerLines(
        "  - name: sidecar-app",
        "    image: other",
        "    ports:",
        "    - {containerPort: 9090, protocol: UDP, hostPort: 19090}",
        "    - {name: admin, containerPort: 9091, protocol: TCP, hostIP: 10.0.0.1}"));
    assertEquals("hello,sidecar-app", envValue(out, "ISTIO_META_APP_CONTAINERS"));
    assertEquals("""
        [
            {"name":"http","containerPort":80}
            ,{"hostPort":19090,"containerPort":9090,"protocol":"UDP"}
            ,{"name":"admin","containerPort":9091,"protocol":"TCP","hostIP":"10.0.0.1"}
        ]""", envValue(out, "ISTIO_META_POD_PORTS"));
    String noPorts = replaceOnce(HELLO, "          ports:\n            - name: http\n              containerPort: 80\n", "");
    assertEquals("[\n]", envValue(injectOn(noPorts), "ISTIO_META_POD_PORTS"));
  }

  @Test
  void theInjectorsSettingsReachTheEnvironment() {
    InjectionDefaults custom = InjectionDefaults.standard()
        .withIstiod(new IstiodSettings("istiod-canary.istio-system.svc:15012", "east", "mesh1", "example.org"));
    Map<String, Object> out = tree(inject(HELLO, custom));
    assertEquals("{\"discoveryAddress\":\"istiod-canary.istio-system.svc:15012\"}", envValue(out, "PROXY_CONFIG"));
    assertEquals("east", envValue(out, "ISTIO_META_CLUSTER_ID"));
    assertEquals("mesh1", envValue(out, "ISTIO_META_MESH_ID"));
    assertEquals("example.org", envValue(out, "TRUST_DOMAIN"));
  }

  @Test
  void theWorkloadIsNamedAsIstiosInjectorNamesIt() {
    String cronJob = """
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: nightly}
        spec:
          schedule: "0 1 * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: job, image: busybox}]
        """;
    assertEquals("nightly", envValue(injectOn(cronJob), "ISTIO_META_WORKLOAD_NAME"));
    String labelled = replaceOnce(HELLO, "      labels:\n        app: hello\n",
        "      labels:\n        service.istio.io/workload-name: greeter\n        app: hello\n");
    assertEquals("greeter", envValue(injectOn(labelled), "ISTIO_META_WORKLOAD_NAME"));
    String pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers: [{name: web, image: nginx}]\n";
    assertEquals("web", envValue(injectOn(pod), "ISTIO_META_WORKLOAD_NAME"));
  }

  @Test
  void podsAreNamedByTheirControllerAsTheWebhookSeesThem() {
    assertEquals("httpbin", WorkloadName.ofPod(tree("""
        metadata:
          generateName: httpbin-7c9d8f-
          labels: {pod-template-hash: 7c9d8f}
          ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: httpbin-7c9d8f, controller: true}]
        """)));
    assertEquals("nightly", WorkloadName.ofPod(tree("""
        metadata:
          generateName: nightly-29384756-
          ownerReferences: [{apiVersion: batch/v1, kind: Job, name: nightly-29384756, controller: true}]
        """)));
    assertEquals("db", WorkloadName.ofPod(tree("""
        metadata:
          generateName: db-
          ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: db, controller: true}]
        """)));
    assertEquals("db-0", WorkloadName.ofPod(tree("""
        metadata:
          name: db-0
          ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: db, controller: true}]
        """)), "a named pod is its own workload, as in Istio");
    assertNull(WorkloadName.ofPod(tree("metadata: {generateName: x-}")));
  }

  @Test
  void injectingTwiceChangesNothingAndSwitchingOffRemovesIstiodsEnvironment() {
    String once = inject(HELLO, ON);
    assertEquals(once, inject(once, ON));
    Map<String, Object> off = tree(inject(once));
    assertNull(envValue(off, "PROXY_CONFIG"));
    // Istio's stripPod leaves volumes; the status of the new injection lists only its own.
    assertEquals(List.of(ProxyContainer.TMP_VOLUME),
        InjectionStatus.parse(pod(off).annotations().get(Annotations.STATUS)).volumes());
  }

  @Test
  void aPodVolumeOfTheSameNameIsReplacedAsIstiosMergeReplacesIt() {
    String withToken = helloWithContainerLines("volumes:", "- name: istio-token", "  emptyDir: {}");
    Map<String, Object> out = tree(inject(withToken, ON));
    List<Map<String, Object>> tokens = pod(out).volumes().stream().filter(v -> "istio-token".equals(v.get("name"))).toList();
    assertEquals(1, tokens.size());
    assertTrue(tokens.get(0).containsKey("projected"), tokens.toString());
  }

  @Test
  void nativeSidecarsGetTheSameWiring() {
    Map<String, Object> out = tree(inject(HELLO, new InjectionDefaults("img", true, false,
        dev.outrigger.core.config.InboundMode.PRESERVE, IstiodSettings.standard())));
    assertEquals("Always", proxy(out).get("restartPolicy"));
    assertEquals("hello", envValue(out, "ISTIO_META_APP_CONTAINERS"));
    assertEquals(4, ((List<?>) proxy(out).get("volumeMounts")).size());
  }
}
