package dev.outrigger.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.admin.v3.ClustersConfigDump;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.admin.v3.EndpointsConfigDump;
import io.envoyproxy.envoy.admin.v3.ListenersConfigDump;
import io.envoyproxy.envoy.admin.v3.RoutesConfigDump;
import io.envoyproxy.envoy.admin.v3.UpdateFailureState;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The xDS part of /config_dump in Envoy's layout ({@code configs[]} of ClustersConfigDump,
 * EndpointsConfigDump, ListenersConfigDump, RoutesConfigDump with their dynamic entries), so that
 * istioctl-style questions (which clusters, which routes, which version) read the same.
 */
public final class XdsConfigDump {
  private static final JsonFormat.TypeRegistry TYPES = JsonFormat.TypeRegistry.newBuilder()
      .add(ConfigDump.getDescriptor()).add(ClustersConfigDump.getDescriptor()).add(EndpointsConfigDump.getDescriptor())
      .add(ListenersConfigDump.getDescriptor()).add(RoutesConfigDump.getDescriptor())
      .add(Cluster.getDescriptor()).add(ClusterLoadAssignment.getDescriptor()).add(Listener.getDescriptor())
      .add(RouteConfiguration.getDescriptor()).add(TcpProxy.getDescriptor()).add(HttpConnectionManager.getDescriptor())
      .add(HTTPFault.getDescriptor()).add(Router.getDescriptor())
      .build();

  private XdsConfigDump() {}

  public static ConfigDump build(XdsSnapshot snapshot) {
    Map<ResourceType, XdsSnapshot.TypeSnapshot> t = snapshot.types();
    ClustersConfigDump.Builder clusters = ClustersConfigDump.newBuilder().setVersionInfo(t.get(ResourceType.CLUSTER).version());
    each(t.get(ResourceType.CLUSTER), (name, resource, s) -> clusters.addDynamicActiveClusters(
        ClustersConfigDump.DynamicCluster.newBuilder().setVersionInfo(s.version()).setCluster(Any.pack(resource))
            .setLastUpdated(timestamp(s.acceptedAt()))));
    EndpointsConfigDump.Builder endpoints = EndpointsConfigDump.newBuilder();
    each(t.get(ResourceType.ENDPOINT), (name, resource, s) -> endpoints.addDynamicEndpointConfigs(
        EndpointsConfigDump.DynamicEndpointConfig.newBuilder().setVersionInfo(s.version())
            .setEndpointConfig(Any.pack(resource)).setLastUpdated(timestamp(s.acceptedAt()))));
    ListenersConfigDump.Builder listeners = ListenersConfigDump.newBuilder().setVersionInfo(t.get(ResourceType.LISTENER).version());
    each(t.get(ResourceType.LISTENER), (name, resource, s) -> listeners.addDynamicListeners(
        ListenersConfigDump.DynamicListener.newBuilder().setName(name).setActiveState(
            ListenersConfigDump.DynamicListenerState.newBuilder().setVersionInfo(s.version()).setListener(Any.pack(resource))
                .setLastUpdated(timestamp(s.acceptedAt())))));
    XdsSnapshot.TypeSnapshot lds = t.get(ResourceType.LISTENER);
    if (lds.lastError() != null) {
      // Envoy shows a rejected update as the error state of the listeners it named; ours names the update.
      listeners.addDynamicListeners(ListenersConfigDump.DynamicListener.newBuilder().setName("(rejected update)")
          .setErrorState(UpdateFailureState.newBuilder().setDetails(lds.lastError())));
    }
    RoutesConfigDump.Builder routes = RoutesConfigDump.newBuilder();
    each(t.get(ResourceType.ROUTE), (name, resource, s) -> routes.addDynamicRouteConfigs(
        RoutesConfigDump.DynamicRouteConfig.newBuilder().setVersionInfo(s.version()).setRouteConfig(Any.pack(resource))
            .setLastUpdated(timestamp(s.acceptedAt()))));
    return ConfigDump.newBuilder()
        .addConfigs(Any.pack(clusters.build()))
        .addConfigs(Any.pack(endpoints.build()))
        .addConfigs(Any.pack(listeners.build()))
        .addConfigs(Any.pack(routes.build()))
        .build();
  }

  /** Envoy's JSON; if a resource carries a type this proxy has no schema for, an error saying which. */
  public static String toJson(XdsSnapshot snapshot) {
    ConfigDump dump = build(snapshot);
    try {
      return JsonFormat.printer().usingTypeRegistry(TYPES).print(dump);
    } catch (InvalidProtocolBufferException unknownType) {
      String why = String.valueOf(unknownType.getMessage()).replace("\\", "\\\\").replace("\"", "\\\"");
      return "{\"error\": \"cannot print the xDS resources: " + why + "\"}";
    }
  }

  private interface Entry {
    void add(String name, Message resource, XdsSnapshot.TypeSnapshot type);
  }

  private static void each(XdsSnapshot.TypeSnapshot type, Entry entry) {
    new TreeMap<>(type.resources()).forEach((name, resource) -> entry.add(name, resource, type));
  }

  private static Timestamp timestamp(Instant at) {
    return at == null ? Timestamp.getDefaultInstance()
        : Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
  }
}
