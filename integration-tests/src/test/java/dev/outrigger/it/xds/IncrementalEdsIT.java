package dev.outrigger.it.xds;

import static dev.outrigger.it.xds.BookinfoMesh.BOOKINFO_PORT;
import static dev.outrigger.it.xds.BookinfoMesh.HTTPBIN;
import static dev.outrigger.it.xds.BookinfoMesh.HTTPBIN_PORT;
import static dev.outrigger.it.xds.BookinfoMesh.HTTPBIN_VIP;
import static dev.outrigger.it.xds.BookinfoMesh.PRODUCTPAGE_VIP;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.it.PodNetworkTestBase;
import dev.outrigger.it.apps.EchoPage;
import dev.outrigger.it.apps.ToolServer;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.xds.IstioShapes.OutboundPolicy;
import dev.outrigger.it.xds.IstioShapes.Workload;
import dev.outrigger.it.xds.ServiceCalls.Call;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * istiod's incremental EDS push: when one service's endpoints change, the response carries that
 * service's ClusterLoadAssignment only (pilot/pkg/xds/eds.go, edsUpdatedServices), and the
 * sidecar must keep every other service's endpoints, as Envoy does for EDS in state of the world.
 * The control plane here sends EDS that way ({@link ControlPlane.EdsPushes#CHANGED_ONLY}).
 */
class IncrementalEdsIT extends PodNetworkTestBase {
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

  private ControlPlane controlPlane;
  private BookinfoMesh mesh;
  private Pod httpbin2;
  private ServiceCalls calls;

  @Override
  protected String networkName() {
    return "inceds";
  }

  @BeforeAll
  void startMesh() {
    Pod productpage = network.addPod("productpage");
    EchoPage.start(productpage, BOOKINFO_PORT);
    Workload page = new Workload(productpage.name(), productpage.ip(), BOOKINFO_PORT, "productpage", "v1");
    Pod httpbin1 = network.addPod("httpbin-1");
    httpbin2 = network.addPod("httpbin-2");
    ToolServer.startHttpApp(httpbin1, "0.0.0.0", HTTPBIN_PORT);
    ToolServer.startHttpApp(httpbin2, "0.0.0.0", HTTPBIN_PORT);
    List<Workload> httpbin = List.of(
        new Workload(httpbin1.name(), httpbin1.ip(), HTTPBIN_PORT, "httpbin", "v1"),
        new Workload(httpbin2.name(), httpbin2.ip(), HTTPBIN_PORT, "httpbin", "v1"));
    mesh = BookinfoMesh.of(OutboundPolicy.REGISTRY_ONLY, List.of(page), List.of(), List.of(), List.of(), httpbin);
    controlPlane = ControlPlane.start(network, mesh.config(), ControlPlane.EdsPushes.CHANGED_ONLY);
    Pod client = network.addPod("sleep");
    Sidecar.inject(client, InjectedEnvironment.of(client, controlPlane));
    calls = new ServiceCalls(client);
    controlPlane.awaitAcks(controlPlane.versions(), ACK_TIMEOUT);
  }

  @AfterAll
  void stopControlPlane() {
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  /**
   * A pod leaves httpbin (an EDS-only push carrying httpbin's assignment alone): productpage,
   * whose assignment the push does not carry, still answers; httpbin answers from the pod left.
   */
  @Test
  void anEndpointPushOfOneServiceLeavesTheOtherServicesRoutable() {
    assertEquals(200, productpage().status(), "before the push");
    Versions versions = controlPlane.publish(mesh.withoutHttpbinEndpoint(httpbin2.ip()).config());
    controlPlane.awaitAcks(versions, ACK_TIMEOUT);

    for (int i = 0; i < 5; i++) {
      Call call = productpage();
      assertEquals(200, call.status(), "productpage after httpbin's endpoint push: " + call.exchange());
      Call httpbin = calls.get(HTTPBIN, HTTPBIN_VIP, HTTPBIN_PORT, "/headers");
      assertEquals(200, httpbin.status(), "httpbin after its endpoint push: " + httpbin.exchange());
    }
  }

  private Call productpage() {
    return calls.get("productpage", PRODUCTPAGE_VIP, BOOKINFO_PORT, "/productpage");
  }
}
