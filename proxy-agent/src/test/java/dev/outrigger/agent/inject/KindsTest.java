package dev.outrigger.agent.inject;

import static dev.outrigger.agent.inject.Injected.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Where each kind keeps its pod template, Lists, multi-document files, and kinds left alone. */
class KindsTest {
  private static final String TEMPLATE = """
        metadata:
          labels: {app: web}
        spec:
          restartPolicy: %s
          containers:
          - name: web
            image: nginx
      """;

  private static String workload(String apiVersion, String kind, String restartPolicy) {
    String template = TEMPLATE.formatted(restartPolicy).indent(2);
    String spec = switch (kind) {
      case "CronJob" -> "spec:\n  schedule: '*/5 * * * *'\n  jobTemplate:\n    spec:\n      template:\n" + template.indent(4);
      case "Job" -> "spec:\n  template:\n" + template;
      case "ReplicationController" -> "spec:\n  selector: {app: web}\n  template:\n" + template;
      case "StatefulSet" -> "spec:\n  serviceName: web\n  selector: {matchLabels: {app: web}}\n  template:\n" + template;
      default -> "spec:\n  selector: {matchLabels: {app: web}}\n  template:\n" + template;
    };
    return "apiVersion: " + apiVersion + "\nkind: " + kind + "\nmetadata:\n  name: web\n" + spec;
  }

  @ParameterizedTest
  @CsvSource({"apps/v1,Deployment,Always", "apps/v1,StatefulSet,Always", "apps/v1,DaemonSet,Always",
      "apps/v1,ReplicaSet,Always", "batch/v1,Job,Never", "batch/v1,CronJob,OnFailure", "v1,ReplicationController,Always"})
  void eachWorkloadKindIsInjected(String apiVersion, String kind, String restartPolicy) {
    Map<String, Object> out = injectOne(workload(apiVersion, kind, restartPolicy));
    assertEquals(List.of("web", ProxyContainer.NAME), names(pod(out).containers()));
    assertEquals(List.of(InitContainer.NAME), names(pod(out).initContainers()));
  }

  @Test
  void aListIsInjectedItemByItem() {
    String list = "apiVersion: v1\nkind: List\nitems:\n"
        + workload("apps/v1", "Deployment", "Always").indent(2).replaceFirst("^  ", "- ")
        + "- apiVersion: v1\n  kind: Service\n  metadata: {name: web}\n  spec: {ports: [{port: 80}]}\n";
    Map<String, Object> out = injectOne(list);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> items = (List<Map<String, Object>>) out.get("items");
    assertEquals(List.of("web", ProxyContainer.NAME), names(pod(items.get(0)).containers()));
    assertEquals(tree("{apiVersion: v1, kind: Service, metadata: {name: web}, spec: {ports: [{port: 80}]}}"), items.get(1));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}  # a comment\ndata: {a: '1'}\n",
      "apiVersion: example.com/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: {spec: {containers: []}}}\n",
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {selector: {}}\n"})
  void otherKindsAreCopiedByteForByte(String document) {
    assertEquals(document, new KubeInject(InjectionDefaults.standard()).inject(document, n -> {}));
  }

  @Test
  void multiDocumentFilesKeepTheirOrderAndUntouchedDocuments() {
    String service = "# the web service\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n";
    String stream = "---\n" + service + "--- # next\n" + workload("apps/v1", "Deployment", "Always") + "\n---\n\n---\n"
        + service.replace("web", "api");
    List<String> out = documents(inject(stream));
    assertEquals(3, out.size());
    assertEquals(service, out.get(0));
    assertTrue(out.get(1).contains(ProxyContainer.NAME));
    assertEquals(service.replace("web", "api"), out.get(2));
  }
}
