package dev.outrigger.it.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.outrigger.it.xds.IstioShapes.OutboundPolicy;
import dev.outrigger.it.xds.IstioShapes.Workload;
import io.envoyproxy.controlplane.cache.Resources;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Versions move per type, only for the types whose resources changed, as istiod's incremental pushes. */
class VersionedSnapshotsTest {
  private static final Workload HTTPBIN_1 = new Workload("httpbin-1", "10.99.0.20", 80, "httpbin", "v1");
  private static final Workload HTTPBIN_2 = new Workload("httpbin-2", "10.99.0.21", 80, "httpbin", "v1");
  private final BookinfoMesh mesh = BookinfoMesh.of(OutboundPolicy.REGISTRY_ONLY, List.of(), List.of(), List.of(),
      List.of(new Workload("reviews-v1", "10.99.0.30", 9080, "reviews", "v1")), List.of(HTTPBIN_1, HTTPBIN_2));
  private final VersionedSnapshots snapshots = new VersionedSnapshots();

  @Test
  void theFirstSnapshotHasOneVersionForEveryType() {
    Versions first = snapshots.next(mesh.config()).versions();
    for (XdsType type : XdsType.values()) {
      assertEquals("1", first.of(type));
    }
  }

  @Test
  void anEndpointChangeMovesOnlyTheEndpointVersion() {
    Versions first = snapshots.next(mesh.config()).versions();
    VersionedSnapshots.Published second = snapshots.next(mesh.withoutHttpbinEndpoint(HTTPBIN_2.ip()).config());
    assertEquals("2", second.versions().of(XdsType.ENDPOINT));
    for (XdsType type : List.of(XdsType.CLUSTER, XdsType.LISTENER, XdsType.ROUTE)) {
      assertEquals(first.of(type), second.versions().of(type), type.toString());
    }
    assertEquals("2", second.snapshot().version(Resources.V3.ENDPOINT_TYPE_URL));
    assertEquals("1", second.snapshot().version(Resources.V3.CLUSTER_TYPE_URL));
  }

  @Test
  void aWeightChangeMovesOnlyTheRouteVersionAndTheSameConfigMovesNothing() {
    Versions first = snapshots.next(mesh.config()).versions();
    Versions second = snapshots.next(mesh.withReviewsWeights(100, 0, 0).config()).versions();
    assertNotEquals(first.of(XdsType.ROUTE), second.of(XdsType.ROUTE));
    assertEquals(first.of(XdsType.ENDPOINT), second.of(XdsType.ENDPOINT));
    assertEquals(second, snapshots.next(mesh.withReviewsWeights(100, 0, 0).config()).versions());
  }
}
