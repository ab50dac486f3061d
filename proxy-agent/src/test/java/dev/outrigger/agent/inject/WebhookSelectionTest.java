package dev.outrigger.agent.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which pods the MutatingWebhookConfiguration in k8s/install sends to the injector, evaluated
 * with the API server's label-selector rules: how many of its webhooks match a pod. Istio's
 * selectors (istio-discovery mutatingwebhook.yaml) for the default revision, and outrigger-injection.
 */
class WebhookSelectionTest {
  private static final Path WEBHOOK = Path.of(System.getProperty("user.dir")).resolveSibling("k8s/install/webhook.yaml");

  @ParameterizedTest(name = "namespace [{0}] pod [{1}] -> {2}")
  @CsvSource(delimiter = '|', value = {
      "kubernetes.io/metadata.name=shop,outrigger-injection=enabled||1",
      "kubernetes.io/metadata.name=shop,istio-injection=enabled||1",
      "kubernetes.io/metadata.name=shop,istio-injection=enabled,outrigger-injection=enabled||1",
      "kubernetes.io/metadata.name=shop,istio-injection=enabled,outrigger-injection=disabled||0",
      "kubernetes.io/metadata.name=shop||0",
      "kubernetes.io/metadata.name=shop|sidecar.istio.io/inject=true|1",
      "kubernetes.io/metadata.name=shop,outrigger-injection=enabled|sidecar.istio.io/inject=false|0",
      "kubernetes.io/metadata.name=shop,istio-injection=enabled|sidecar.istio.io/inject=false|0",
      "kubernetes.io/metadata.name=shop,outrigger-injection=enabled|sidecar.istio.io/inject=true|1",
      "kubernetes.io/metadata.name=kube-system,outrigger-injection=enabled||0",
      "kubernetes.io/metadata.name=outrigger-system,istio-injection=enabled||0",
      "kubernetes.io/metadata.name=outrigger-system|sidecar.istio.io/inject=true|0",
      // Istio's revision selectors, for the served revision "default".
      "kubernetes.io/metadata.name=shop,istio.io/rev=default||1",
      "kubernetes.io/metadata.name=shop,istio.io/rev=canary||0",
      "kubernetes.io/metadata.name=shop,istio.io/rev=default|sidecar.istio.io/inject=false|0",
      "kubernetes.io/metadata.name=shop,istio.io/rev=default,istio-injection=enabled||1",
      "kubernetes.io/metadata.name=shop,istio.io/rev=canary,istio-injection=enabled||1",
      "kubernetes.io/metadata.name=shop,istio.io/rev=default,outrigger-injection=disabled||0",
      "kubernetes.io/metadata.name=shop|istio.io/rev=default|1",
      "kubernetes.io/metadata.name=shop|istio.io/rev=canary|0",
      "kubernetes.io/metadata.name=shop|sidecar.istio.io/inject=true,istio.io/rev=canary|0",
      "kubernetes.io/metadata.name=shop|sidecar.istio.io/inject=false,istio.io/rev=default|0",
      "kubernetes.io/metadata.name=shop,istio-injection=disabled|sidecar.istio.io/inject=true|0",
      "kubernetes.io/metadata.name=shop,istio.io/rev=canary|sidecar.istio.io/inject=true|0",
      // Seed 004: namespaces of the revisions 1-9 and 1-10 are other injectors' business.
      "kubernetes.io/metadata.name=legacy,istio.io/rev=1-9||0",
      "kubernetes.io/metadata.name=upgraded,istio.io/rev=1-10||0"})
  void podsAreSentToTheInjectorExactlyWhenTheirNamespaceOrLabelAsksForIt(String namespace, String pod, int expected)
      throws IOException {
    Map<String, Object> config = Injected.tree(Files.readString(WEBHOOK));
    long matching = Trees.objects(config, "webhooks").stream()
        .filter(hook -> matches(Trees.child(hook, "namespaceSelector"), labels(namespace))
            && matches(Trees.child(hook, "objectSelector"), labels(pod)))
        .count();
    assertEquals(expected, matching);
  }

  private static Map<String, String> labels(String text) {
    Map<String, String> labels = new java.util.HashMap<>();
    if (text != null) {
      for (String pair : text.split(",")) {
        String[] kv = pair.split("=", 2);
        labels.put(kv[0], kv[1]);
      }
    }
    return labels;
  }

  /** metav1.LabelSelector: every matchLabels entry and every matchExpressions requirement holds. */
  @SuppressWarnings("unchecked")
  private static boolean matches(Map<String, Object> selector, Map<String, String> labels) {
    if (selector == null) {
      return true;
    }
    Map<String, Object> matchLabels = Trees.child(selector, "matchLabels");
    if (matchLabels != null && !matchLabels.entrySet().stream()
        .allMatch(e -> String.valueOf(e.getValue()).equals(labels.get(e.getKey())))) {
      return false;
    }
    for (Map<String, Object> requirement : Trees.objects(selector, "matchExpressions")) {
      String key = (String) requirement.get("key");
      List<String> values = (List<String>) requirement.getOrDefault("values", List.of());
      boolean holds = switch ((String) requirement.get("operator")) {
        case "In" -> labels.containsKey(key) && values.contains(labels.get(key));
        case "NotIn" -> !labels.containsKey(key) || !values.contains(labels.get(key));
        case "Exists" -> labels.containsKey(key);
        case "DoesNotExist" -> !labels.containsKey(key);
        default -> throw new AssertionError("unknown operator in " + requirement);
      };
      if (!holds) {
        return false;
      }
    }
    return true;
  }
}
