package dev.outrigger.core.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadIdentityTest {
  @Test
  void theWorkloadIsThePodNameWithoutWhatKubernetesGenerated() {
    assertEquals("reviews-v1", WorkloadIdentity.workloadOfPod("reviews-v1-5f7b8c9d4-x2x4z"), "Deployment");
    assertEquals("httpbin", WorkloadIdentity.workloadOfPod("httpbin-deployment-9bfd96975-px5lv".replace("-deployment", "")));
    assertEquals("fluentd", WorkloadIdentity.workloadOfPod("fluentd-8xq2n"), "DaemonSet or Job");
    assertEquals("web", WorkloadIdentity.workloadOfPod("web-0"), "StatefulSet");
    assertEquals("sleep", WorkloadIdentity.workloadOfPod("sleep"), "a bare pod");
    assertEquals(null, WorkloadIdentity.workloadOfPod(null));
  }

  @Test
  void injectedMetadataWinsOverWhatIsDerived() {
    WorkloadIdentity id = WorkloadIdentity.fromEnvironment(Map.of(
        "POD_NAME", "reviews-v2-7d79d5bd5d-8zmkg",
        "POD_NAMESPACE", "bookinfo",
        "ISTIO_META_WORKLOAD_NAME", "reviews-v2-deploy",
        "ISTIO_META_CLUSTER_ID", "Kubernetes",
        "ISTIO_METAJSON_LABELS", "{\"app\":\"reviews\",\"version\":\"v2\",\"pod-template-hash\":\"7d79d5bd5d\","
            + "\"service.istio.io/canonical-name\":\"reviews-svc\",\"n\":1,\"o\":{\"x\":\"y\"}}"));
    assertEquals(new WorkloadIdentity("reviews-v2-deploy", "bookinfo", "reviews", "v2", "reviews-svc", "v2",
        "Kubernetes"), id);
  }

  @Test
  void withOnlyThePodsNameTheRestFollowsIt() {
    WorkloadIdentity id = WorkloadIdentity.fromEnvironment(Map.of("POD_NAME", "ratings-v1-6c9dbf6b45-t9qcn",
        "ISTIO_META_APP", "ratings", "ISTIO_METAJSON_LABELS", "{\"app.kubernetes.io/version\":\"1.2\"}"));
    assertEquals(new WorkloadIdentity("ratings-v1", "unknown", "ratings", "1.2", "ratings", "1.2", "unknown"), id);
    assertEquals(new WorkloadIdentity("unknown", "unknown", "unknown", "unknown", "unknown", "latest", "unknown"),
        WorkloadIdentity.fromEnvironment(Map.of()));
  }

  @Test
  void labelsThatAreNotJsonFailNamingTheKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WorkloadIdentity.fromEnvironment(Map.of("ISTIO_METAJSON_LABELS", "app=reviews")));
    assertEquals(true, e.getMessage().startsWith("ISTIO_METAJSON_LABELS: not a JSON object"), e.getMessage());
  }
}
