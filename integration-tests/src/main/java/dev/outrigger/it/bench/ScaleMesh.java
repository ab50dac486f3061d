package dev.outrigger.it.bench;

import static dev.outrigger.it.xds.IstioShapes.defaultRetryPolicy;
import static dev.outrigger.it.xds.IstioShapes.noTimeout;
import static dev.outrigger.it.xds.IstioShapes.outboundCluster;
import static dev.outrigger.it.xds.IstioShapes.prefix;
import static dev.outrigger.it.xds.IstioShapes.route;
import static dev.outrigger.it.xds.IstioShapes.serviceVirtualHost;

import dev.outrigger.it.xds.IstioShapes;
import dev.outrigger.it.xds.IstioShapes.OutboundPolicy;
import dev.outrigger.it.xds.IstioShapes.Workload;
import dev.outrigger.it.xds.MeshConfig;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What istiod sends one sidecar of a mesh without Sidecar scoping: every service of the mesh. Here
 * {@code services} HTTP services on port {@value #PORT}, each with {@code endpointsPerService}
 * pods, plus one real service ("app") whose one endpoint is a pod that answers. Per service, as
 * istiod builds it ({@link IstioShapes}): one EDS cluster "outbound|8080||svc-0001.default.svc.cluster.local"
 * with its ClusterLoadAssignment, and a virtual host in the route configuration "8080" of the
 * outbound listener 0.0.0.0_8080; beside them virtualOutbound, virtualInbound and the three
 * catch-all clusters.
 *
 * <p>The fake services' VIPs (10.96.1.0 up) and pods (10.100.0.0 up) are addresses nothing
 * routes: they are configuration only. Immutable: each change returns the next mesh.
 *
 * @param shifted services whose endpoints moved to another port, by how often (an endpoint
 *     change that is an EDS push only, as a rolling restart of one service is)
 * @param extraServices services added after the first push (a CDS + EDS + RDS push each)
 */
public record ScaleMesh(int services, int endpointsPerService, String appPodIp, Map<Integer, Integer> shifted,
    int extraServices) {
  public static final int PORT = 8080;
  public static final String APP = "app";
  /** The real service's VIP: in the Service range, owned by no pod; only the sidecar makes it reachable. */
  public static final String APP_VIP = "10.96.0.10";
  public static final int APP_POD_PORT = 80;
  /** The address plan below: the second octet is 100 + the pod's index. */
  public static final int MAX_ENDPOINTS_PER_SERVICE = 150;

  public ScaleMesh {
    shifted = Map.copyOf(shifted);
    if (services + extraServices > 250 * 250 || endpointsPerService > MAX_ENDPOINTS_PER_SERVICE) {
      throw new IllegalArgumentException("too many services or endpoints for the address plan");
    }
  }

  /** The real service alone: the small configuration memory is compared against. */
  public static ScaleMesh appOnly(String appPodIp) {
    return new ScaleMesh(0, 0, appPodIp, Map.of(), 0);
  }

  public static ScaleMesh of(int services, int endpointsPerService, String appPodIp) {
    return new ScaleMesh(services, endpointsPerService, appPodIp, Map.of(), 0);
  }

  /** One service's pods move to another port: only its ClusterLoadAssignment changes. */
  public ScaleMesh withEndpointsChanged(int service) {
    Map<Integer, Integer> next = new HashMap<>(shifted);
    next.merge(service % Math.max(1, services), 1, Integer::sum);
    return new ScaleMesh(services, endpointsPerService, appPodIp, next, extraServices);
  }

  /** One more service: a cluster, its endpoints and a virtual host. */
  public ScaleMesh withServiceAdded() {
    return new ScaleMesh(services, endpointsPerService, appPodIp, shifted, extraServices + 1);
  }

  public ScaleMesh withServiceRemoved() {
    return new ScaleMesh(services, endpointsPerService, appPodIp, shifted, Math.max(0, extraServices - 1));
  }

  public int endpointCount() {
    return (services + extraServices) * endpointsPerService + 1;
  }

  public MeshConfig config() {
    OutboundPolicy policy = OutboundPolicy.ALLOW_ANY; // istiod's default
    List<Cluster> clusters = new ArrayList<>(List.of(
        IstioShapes.blackHoleCluster(), IstioShapes.passthroughCluster(), IstioShapes.inboundPassthroughCluster()));
    List<ClusterLoadAssignment> assignments = new ArrayList<>();
    List<VirtualHost> hosts = new ArrayList<>();

    String appCluster = outboundCluster(PORT, "", APP);
    clusters.add(IstioShapes.edsCluster(appCluster, APP));
    assignments.add(IstioShapes.endpoints(appCluster, List.of(new Workload(APP + "-0", appPodIp, APP_POD_PORT, APP, "v1"))));
    hosts.add(virtualHost(APP, APP_VIP, appCluster));

    for (int i = 0; i < services + extraServices; i++) {
      String service = serviceName(i);
      String cluster = outboundCluster(PORT, "", service);
      clusters.add(IstioShapes.edsCluster(cluster, service));
      assignments.add(IstioShapes.endpoints(cluster, workloads(i, service)));
      hosts.add(virtualHost(service, vip(i), cluster));
    }
    return new MeshConfig(
        List.of(IstioShapes.virtualOutbound(policy), IstioShapes.virtualInbound(), IstioShapes.httpOutboundListener(PORT)),
        List.of(IstioShapes.routeConfiguration(PORT, hosts, policy)),
        clusters,
        assignments);
  }

  /** istiod's route for a service without VirtualService: "default", prefix /, to the service's cluster. */
  private static VirtualHost virtualHost(String service, String vip, String cluster) {
    return serviceVirtualHost(service, vip, PORT,
        List.of(route("default", prefix("/"), cluster, noTimeout(), defaultRetryPolicy(), service, PORT)));
  }

  private List<Workload> workloads(int index, String service) {
    int port = PORT + shifted.getOrDefault(index, 0) % 2;
    List<Workload> pods = new ArrayList<>(endpointsPerService);
    for (int j = 0; j < endpointsPerService; j++) {
      // Pod j of service i sits at 10.(100+j).(i/250).(i%250+1): unique per (service, pod).
      String ip = "10." + (100 + j) + "." + (index / 250) + "." + (index % 250 + 1);
      pods.add(new Workload(service + "-" + j, ip, port, service, "v1"));
    }
    return pods;
  }

  static String serviceName(int i) {
    return String.format("svc-%04d", i);
  }

  /** 10.96.1.1 up: above the real service's 10.96.0.10. */
  static String vip(int i) {
    return "10.96." + (1 + i / 250) + "." + (1 + i % 250);
  }
}
