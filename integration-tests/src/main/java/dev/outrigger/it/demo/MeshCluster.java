package dev.outrigger.it.demo;

import static dev.outrigger.it.xds.BookinfoMesh.BOOKINFO_PORT;

import dev.outrigger.it.apps.EchoPage;
import dev.outrigger.it.harness.Pod;
import dev.outrigger.it.harness.PodNetwork;
import dev.outrigger.it.sidecar.Sidecar;
import dev.outrigger.it.xds.BookinfoMesh;
import dev.outrigger.it.xds.ControlPlane;
import dev.outrigger.it.xds.InjectedEnvironment;
import dev.outrigger.it.xds.IstioShapes.OutboundPolicy;
import dev.outrigger.it.xds.IstioShapes.Workload;
import dev.outrigger.it.xds.ServiceCalls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The third act's pods: seed 003's Bookinfo as istiod would configure a client sidecar for it
 * ({@link BookinfoMesh}: reviews split 5/5/90 over subsets v1/v2/v3, productpage's URI matches,
 * REGISTRY_ONLY), served by a real xDS server ({@link ControlPlane}) to a client pod ("sleep")
 * whose Outrigger sidecar has PILOT_ADDRESS set. The servers are pods without a sidecar running
 * nginx pages that name the pod that answered; the Services are VIPs (10.96.0.x) that no pod
 * owns, so a request only arrives when the sidecar chose an endpoint.
 */
public final class MeshCluster implements AutoCloseable {
  public static final List<String> REVIEWS_VERSIONS = List.of("v1", "v2", "v3");
  /** Long enough for a sidecar whose first ADS connection failed to retry with backoff. */
  private static final Duration CONFIG_TIMEOUT = Duration.ofSeconds(30);

  private final Pod productpage;
  private final Map<String, Pod> reviewsByVersion = new LinkedHashMap<>();
  private final BookinfoMesh mesh;
  private final ControlPlane controlPlane;
  private final Pod client;
  private final Sidecar clientSidecar;
  private final ServiceCalls calls;

  /** Starts the apps, the control plane and the client's sidecar, and waits until the sidecar ACKed every type. */
  public MeshCluster(PodNetwork network) {
    productpage = echoPod(network, "productpage");
    List<Workload> reviews = new ArrayList<>();
    for (String version : REVIEWS_VERSIONS) {
      Pod pod = echoPod(network, "reviews-" + version);
      reviewsByVersion.put(version, pod);
      reviews.add(new Workload(pod.name(), pod.ip(), BOOKINFO_PORT, "reviews", version));
    }
    // details, ratings and httpbin keep their routes and clusters but have no endpoints: this act
    // calls only productpage and reviews.
    mesh = BookinfoMesh.of(OutboundPolicy.REGISTRY_ONLY,
        List.of(new Workload(productpage.name(), productpage.ip(), BOOKINFO_PORT, "productpage", "v1")),
        List.of(), List.of(), reviews, List.of());
    controlPlane = ControlPlane.start(network, mesh.config());
    try {
      client = network.addPod("sleep");
      clientSidecar = Sidecar.inject(client, InjectedEnvironment.of(client, controlPlane));
      controlPlane.awaitAcks(controlPlane.versions(), CONFIG_TIMEOUT);
      calls = new ServiceCalls(client);
    } catch (RuntimeException e) {
      controlPlane.close();
      throw e;
    }
  }

  private static Pod echoPod(PodNetwork network, String name) {
    Pod pod = network.addPod(name);
    EchoPage.start(pod, BOOKINFO_PORT);
    return pod;
  }

  public BookinfoMesh mesh() {
    return mesh;
  }

  public Pod productpage() {
    return productpage;
  }

  /** The reviews pods by their label `version`, v1 to v3. */
  public Map<String, Pod> reviewsByVersion() {
    return Collections.unmodifiableMap(reviewsByVersion);
  }

  public Pod client() {
    return client;
  }

  public Sidecar clientSidecar() {
    return clientSidecar;
  }

  public ServiceCalls calls() {
    return calls;
  }

  @Override
  public void close() {
    controlPlane.close();
  }
}
