package dev.outrigger.agent.inject;

import static dev.outrigger.agent.inject.Injected.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.agent.inject.webhook.InjectorCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Every manifest in k8s/ against the Kubernetes schema, the samples injected, and the install wired together. */
class K8sManifestsTest {
  private static final Path K8S = Path.of(System.getProperty("user.dir")).resolveSibling("k8s");
  private static final Set<Path> NOT_KUBERNETES_OBJECTS = Set.of(
      Path.of("kind", "istiod", "kustomization.yaml"), Path.of("kind", "istiod", "bookinfo-routing.yaml"));

  static Stream<Path> manifests() throws IOException {
    try (Stream<Path> files = Files.walk(K8S)) {
      List<Path> yaml = files.filter(f -> f.toString().endsWith(".yaml"))
          .filter(f -> !f.endsWith(Path.of("kind", "cluster.yaml")))
          // Istio's CRDs and the kustomization of the istiod e2e: not Kubernetes API objects (the
          // e2e applies them to a real cluster; they were checked against Istio's own schemas).
          // Its workloads (client, httpbin, the client without a sidecar) are, and are checked.
          .filter(f -> !NOT_KUBERNETES_OBJECTS.contains(K8S.relativize(f))).sorted().toList();
      assertTrue(yaml.size() >= 7, "found " + yaml);
      return yaml.stream();
    }
  }

  static Stream<Path> samples() throws IOException {
    return manifests().filter(f -> f.getParent().endsWith("samples"));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Map<String, Object>> objects(String file) {
    List<Map<String, Object>> out = new ArrayList<>();
    documents(read(K8S.resolve(file))).forEach(d -> out.add(tree(d)));
    return out;
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void matchesTheKubernetesSchema(Path file) {
    KubernetesSchema.checkAll(read(file));
  }

  @ParameterizedTest
  @MethodSource("samples")
  void injectedSamplesMatchTheSchemaToo(Path file) {
    String injected = inject(read(file)); // inject() checks every document against the schema
    assertTrue(injected.contains(ProxyContainer.NAME), file + " has workloads to inject");
    String wired = inject(read(file), InjectionDefaults.standard().withIstiod(IstiodSettings.standard()));
    assertTrue(wired.contains(IstiodVolumes.TOKEN), file + " wired to istiod");
  }

  @Test
  void theSeed004PodsGetTheirNamespacesInboundModeAndHoldTheApp() {
    for (String document : documents(inject(read(K8S.resolve("samples/004-netcat.yaml"))))) {
      Map<String, Object> object = tree(document);
      Map<String, Object> metadata = Trees.child(object, "metadata");
      if (!"Pod".equals(object.get("kind")) || "default".equals(metadata.get("namespace"))) {
        continue;
      }
      String mode = String.valueOf(metadata.get("namespace")).replace("outrigger-", "");
      assertTrue(((List<?>) proxy(object).get("env")).contains(tree("{name: OUTRIGGER_INBOUND_MODE, value: " + mode + "}")),
          metadata + " runs in " + mode + " mode");
      assertEquals(ProxyContainer.NAME, names(pod(object).containers()).get(0), metadata + " holds its app");
    }
  }

  @Test
  void theKindClusterConfigIsAKindCluster() {
    Map<String, Object> cluster = tree(read(K8S.resolve("kind/cluster.yaml")));
    assertEquals("kind.x-k8s.io/v1alpha4", cluster.get("apiVersion"));
    assertEquals("Cluster", cluster.get("kind"));
    for (Map<String, Object> node : Trees.objects(cluster, "nodes")) {
      assertTrue(List.of("control-plane", "worker").contains(node.get("role")), node.toString());
    }
  }

  @Test
  void theInjectorsArgumentsAreFlagsItHas() {
    Map<String, Object> deployment = objects("install/injector.yaml").stream()
        .filter(o -> "Deployment".equals(o.get("kind"))).findFirst().orElseThrow();
    List<String> args = args(pod(deployment).containers().get(0));
    assertEquals("injector", args.get(0));
    new CommandLine(new InjectorCommand()).parseArgs(args.subList(1, args.size()).toArray(String[]::new));
  }

  @Test
  void theWebhookCallsTheInjectorsServiceOnItsPort() {
    Map<String, Object> service = objects("install/injector.yaml").stream()
        .filter(o -> "Service".equals(o.get("kind"))).findFirst().orElseThrow();
    Map<String, Object> port = Trees.objects(Trees.child(service, "spec"), "ports").get(0);
    assertEquals(15017, port.get("targetPort"), "the injector's --port default");
    for (Map<String, Object> hook : Trees.objects(objects("install/webhook.yaml").get(0), "webhooks")) {
      Map<String, Object> target = Trees.child(Trees.child(hook, "clientConfig"), "service");
      assertEquals(Trees.text(Trees.child(service, "metadata"), "name"), target.get("name"));
      assertEquals(Trees.text(Trees.child(service, "metadata"), "namespace"), target.get("namespace"));
      assertEquals(port.get("port"), target.get("port"));
      assertEquals("/inject", target.get("path"));
    }
  }
}
