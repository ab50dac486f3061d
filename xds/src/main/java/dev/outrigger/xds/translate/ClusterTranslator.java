package dev.outrigger.xds.translate;

import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import dev.outrigger.core.cluster.CircuitBreakers;
import dev.outrigger.core.cluster.ClusterSpec;
import dev.outrigger.core.cluster.Endpoint;
import dev.outrigger.core.cluster.EndpointSet;
import dev.outrigger.core.cluster.OutlierDetection;
import dev.outrigger.core.cluster.UpstreamBindConfig;
import dev.outrigger.core.net.BindAddress;
import dev.outrigger.xds.RejectedUpdate;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.BindConfig;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** CDS clusters and EDS load assignments, as istiod sends them, into cluster specs and endpoint sets. */
public final class ClusterTranslator {
  private static final Logger log = LoggerFactory.getLogger(ClusterTranslator.class);
  /** Unix-socket endpoints already warned of: istiod sends them again with every push (bounded). */
  private static final java.util.Set<String> WARNED_PIPES = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static final int MAX_WARNED_PIPES = 1024;

  private ClusterTranslator() {}

  /** The EDS name a cluster's endpoints come under: eds_cluster_config.service_name, else its own name. */
  public static String edsName(Cluster c) {
    String service = c.getEdsClusterConfig().getServiceName();
    return service.isEmpty() ? c.getName() : service;
  }

  public static ClusterSpec cluster(Cluster c) throws RejectedUpdate {
    String where = "cluster " + c.getName();
    if (c.hasClusterType()) {
      throw new RejectedUpdate(where + ": custom cluster type " + c.getClusterType().getName() + " is not supported");
    }
    ClusterSpec.Discovery discovery = switch (c.getType()) {
      case EDS -> ClusterSpec.Discovery.EDS;
      case ORIGINAL_DST -> ClusterSpec.Discovery.ORIGINAL_DST;
      case STATIC -> ClusterSpec.Discovery.STATIC;
      case STRICT_DNS, LOGICAL_DNS -> ClusterSpec.Discovery.DNS;
      default -> throw new RejectedUpdate(where + ": discovery type " + c.getType() + " is not supported");
    };
    ClusterSpec.LbPolicy lb = switch (c.getLbPolicy()) {
      case ROUND_ROBIN -> ClusterSpec.LbPolicy.ROUND_ROBIN;
      case LEAST_REQUEST -> ClusterSpec.LbPolicy.LEAST_REQUEST;
      case RANDOM -> ClusterSpec.LbPolicy.RANDOM;
      case CLUSTER_PROVIDED -> ClusterSpec.LbPolicy.ROUND_ROBIN; // ORIGINAL_DST: the destination is the host
      default -> throw new RejectedUpdate(where + ": load balancing policy " + c.getLbPolicy() + " is not supported");
    };
    Duration connectTimeout = c.hasConnectTimeout() ? Protos.duration(c.getConnectTimeout())
        : ClusterSpec.ENVOY_DEFAULT_CONNECT_TIMEOUT;
    List<Endpoint> endpoints = c.hasLoadAssignment() ? endpoints(where, c.getLoadAssignment()) : List.of();
    Optional<dev.outrigger.core.cluster.UpstreamTlsSpec> istioMutual = UpstreamTlsTranslator.istioMutual(c, where);
    return new ClusterSpec(c.getName(), discovery, lb, connectTimeout, circuitBreakers(c), outlierDetection(c), endpoints,
        istioMutual, discovery == ClusterSpec.Discovery.EDS ? edsName(c) : c.getName(), upstreamBind(where, c));
  }

  /**
   * upstream_bind_config's source addresses, as Envoy's DefaultUpstreamLocalAddressSelectorFactory
   * accepts them: IP addresses only, at most two, of different families (Envoy rejects the cluster
   * otherwise). Socket options and freebind are not applied; istiod sets neither on a sidecar.
   */
  static UpstreamBindConfig upstreamBind(String where, Cluster c) throws RejectedUpdate {
    if (!c.hasUpstreamBindConfig()) {
      return UpstreamBindConfig.NONE;
    }
    BindConfig config = c.getUpstreamBindConfig();
    List<SocketAddress> addresses = new ArrayList<>();
    if (config.hasSourceAddress()) {
      addresses.add(config.getSourceAddress());
    }
    config.getExtraSourceAddressesList().forEach(extra -> addresses.add(extra.getAddress()));
    addresses.addAll(config.getAdditionalSourceAddressesList());
    if (addresses.size() > 2) {
      throw new RejectedUpdate(where + ": upstream_bind_config has " + addresses.size()
          + " source addresses (at most one IPv4 and one IPv6 address)");
    }
    List<BindAddress> sources = new ArrayList<>();
    for (SocketAddress address : addresses) {
      InetSocketAddress ip = Protos.socketAddress(address.getAddress(), address.getPortValue());
      if (ip.isUnresolved()) {
        throw new RejectedUpdate(where + ": upstream_bind_config source address '" + address.getAddress()
            + "' is not an IP address");
      }
      sources.add(new BindAddress(ip));
    }
    if (sources.size() == 2 && (sources.get(0).ip() instanceof Inet6Address) == (sources.get(1).ip() instanceof Inet6Address)) {
      throw new RejectedUpdate(where + ": upstream_bind_config has two source addresses of the same IP version");
    }
    return new UpstreamBindConfig(sources);
  }

  public static EndpointSet endpoints(ClusterLoadAssignment cla) throws RejectedUpdate {
    return new EndpointSet(cla.getClusterName(), endpoints("endpoints of " + cla.getClusterName(), cla));
  }

  private static List<Endpoint> endpoints(String where, ClusterLoadAssignment cla) throws RejectedUpdate {
    List<Endpoint> out = new ArrayList<>();
    for (LocalityLbEndpoints locality : cla.getEndpointsList()) {
      String place = String.join("/", locality.getLocality().getRegion(), locality.getLocality().getZone(),
          locality.getLocality().getSubZone());
      for (LbEndpoint lbe : locality.getLbEndpointsList()) {
        if (lbe.getEndpoint().getAddress().hasPipe()) {
          // Envoy accepts a unix-socket endpoint (istiod sends one for a Sidecar ingress
          // defaultEndpoint unix:///path); rejecting it would hold back every other cluster of the
          // update. Outrigger does not dial unix sockets: the endpoint is left out, so connections
          // to a cluster of only such endpoints close with UH (no healthy upstream), and say so here.
          String pipe = lbe.getEndpoint().getAddress().getPipe().getPath();
          boolean first = WARNED_PIPES.size() < MAX_WARNED_PIPES && WARNED_PIPES.add(where + " " + pipe);
          if (first) {
            log.warn("{}: endpoint unix://{} left out: unix-socket endpoints are not dialled; connections to"
                + " the cluster close with UH unless it has other endpoints (use a TCP defaultEndpoint"
                + " such as 127.0.0.1:PORT); said once per endpoint", where, pipe);
          } else {
            log.debug("{}: endpoint unix://{} left out again", where, pipe);
          }
          continue;
        }
        SocketAddress sa = lbe.getEndpoint().getAddress().getSocketAddress();
        if (!lbe.getEndpoint().getAddress().hasSocketAddress() || sa.getPortSpecifierCase() != SocketAddress.PortSpecifierCase.PORT_VALUE) {
          throw new RejectedUpdate(where + ": an endpoint without an IP and port (" + lbe.getEndpoint().getAddress() + ")");
        }
        int weight = lbe.hasLoadBalancingWeight() ? lbe.getLoadBalancingWeight().getValue() : 1;
        out.add(new Endpoint(Protos.socketAddress(sa.getAddress(), sa.getPortValue()), Math.max(1, weight),
            health(lbe), place, metadata(lbe)));
      }
    }
    return out;
  }

  private static Endpoint.Health health(LbEndpoint e) {
    return switch (e.getHealthStatus()) {
      case HEALTHY -> Endpoint.Health.HEALTHY;
      case UNHEALTHY -> Endpoint.Health.UNHEALTHY;
      case DRAINING -> Endpoint.Health.DRAINING;
      case TIMEOUT -> Endpoint.Health.TIMEOUT;
      case DEGRADED -> Endpoint.Health.DEGRADED;
      default -> Endpoint.Health.UNKNOWN;
    };
  }

  /** istiod's endpoint metadata: the transport-socket match (tlsMode) and the workload, flattened. */
  private static Map<String, String> metadata(LbEndpoint e) {
    Map<String, String> out = new HashMap<>();
    Map<String, Struct> filters = e.getMetadata().getFilterMetadataMap();
    Struct tls = filters.get("envoy.transport_socket_match");
    if (tls != null && tls.containsFields("tlsMode")) {
      out.put("tlsMode", tls.getFieldsOrThrow("tlsMode").getStringValue());
    }
    Struct istio = filters.get("istio");
    if (istio != null && istio.containsFields("workload")) {
      out.put("workload", istio.getFieldsOrThrow("workload").getStringValue());
    }
    return out;
  }

  private static CircuitBreakers circuitBreakers(Cluster c) {
    for (var t : c.getCircuitBreakers().getThresholdsList()) {
      if (t.getPriority() == RoutingPriority.DEFAULT) {
        CircuitBreakers d = CircuitBreakers.ENVOY_DEFAULTS;
        return new CircuitBreakers(value(t.hasMaxConnections(), t.getMaxConnections(), d.maxConnections()),
            value(t.hasMaxPendingRequests(), t.getMaxPendingRequests(), d.maxPendingRequests()),
            value(t.hasMaxRequests(), t.getMaxRequests(), d.maxRequests()),
            value(t.hasMaxRetries(), t.getMaxRetries(), d.maxRetries()));
      }
    }
    return CircuitBreakers.ENVOY_DEFAULTS;
  }

  private static long value(boolean set, UInt32Value v, long otherwise) {
    return set ? Integer.toUnsignedLong(v.getValue()) : otherwise;
  }

  /** Envoy's detectors and defaults; a detector whose enforcement is 0 ejects nobody. */
  private static Optional<OutlierDetection> outlierDetection(Cluster c) {
    if (!c.hasOutlierDetection()) {
      return Optional.empty();
    }
    var o = c.getOutlierDetection();
    int fiveXx = (int) value(o.hasConsecutive5Xx(), o.getConsecutive5Xx(), 5);
    boolean fiveXxEnforced = value(o.hasEnforcingConsecutive5Xx(), o.getEnforcingConsecutive5Xx(), 100) > 0;
    int gateway = (int) value(o.hasConsecutiveGatewayFailure(), o.getConsecutiveGatewayFailure(), 5);
    boolean gatewayEnforced = value(o.hasEnforcingConsecutiveGatewayFailure(), o.getEnforcingConsecutiveGatewayFailure(), 0) > 0;
    return Optional.of(new OutlierDetection(fiveXxEnforced ? fiveXx : 0, gatewayEnforced ? gateway : 0,
        o.hasInterval() ? Protos.duration(o.getInterval()) : Duration.ofSeconds(10),
        o.hasBaseEjectionTime() ? Protos.duration(o.getBaseEjectionTime()) : Duration.ofSeconds(30),
        (int) value(o.hasMaxEjectionPercent(), o.getMaxEjectionPercent(), 10)));
  }
}
