package dev.outrigger.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.outrigger.xds.dump.PrintableJson;
import dev.outrigger.xds.translate.ListenerTranslator;
import dev.outrigger.xds.translate.SkippedFilter;
import io.envoyproxy.envoy.admin.v3.ClustersConfigDump;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.admin.v3.EndpointsConfigDump;
import io.envoyproxy.envoy.admin.v3.ListenersConfigDump;
import io.envoyproxy.envoy.admin.v3.RoutesConfigDump;
import io.envoyproxy.envoy.admin.v3.UpdateFailureState;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import dev.outrigger.core.tls.IdentityMaterial;
import dev.outrigger.xds.dump.SecretsDump;
import java.util.TreeMap;

/**
 * The xDS part of /config_dump in Envoy's layout ({@code configs[]} of ClustersConfigDump,
 * EndpointsConfigDump, ListenersConfigDump, RoutesConfigDump with their dynamic entries), so that
 * istioctl-style questions (which clusters, which routes, which version) read the same.
 *
 * <p>After Envoy's four sections comes one more, a {@code google.protobuf.Struct} listing per
 * listener what the translator skipped (observing filters, listener filters this proxy does by
 * itself, internal listeners). A section of its own, because the listeners must show what istiod
 * sent, unchanged: {@code istioctl proxy-status} compares them with istiod's; and a Struct,
 * because it is a well-known type every reader of the dump resolves, and Envoy's ConfigDump takes
 * any message in {@code configs}, so readers that look for their sections by type (istioctl's
 * configdump wrapper) pass over it.
 */
public final class XdsConfigDump {
  /** The key, in the last section's Struct, of the skipped filters by listener name. */
  public static final String SKIPPED_KEY = "outrigger_skipped_filters";

  private XdsConfigDump() {}

  public static ConfigDump build(XdsSnapshot snapshot) {
    return build(snapshot, Optional.empty());
  }

  /** @param identity the workload's certificate, shown as Envoy shows SDS secrets (after the routes) */
  public static ConfigDump build(XdsSnapshot snapshot, Optional<IdentityMaterial> identity) {
    Map<ResourceType, XdsSnapshot.TypeSnapshot> t = snapshot.types();
    ClustersConfigDump.Builder clusters = ClustersConfigDump.newBuilder().setVersionInfo(t.get(ResourceType.CLUSTER).version());
    each(t.get(ResourceType.CLUSTER), (name, resource, s) -> clusters.addDynamicActiveClusters(
        ClustersConfigDump.DynamicCluster.newBuilder().setVersionInfo(s.version()).setCluster(resource)
            .setLastUpdated(timestamp(s.acceptedAt()))));
    EndpointsConfigDump.Builder endpoints = EndpointsConfigDump.newBuilder();
    each(t.get(ResourceType.ENDPOINT), (name, resource, s) -> endpoints.addDynamicEndpointConfigs(
        EndpointsConfigDump.DynamicEndpointConfig.newBuilder().setVersionInfo(s.version())
            .setEndpointConfig(resource).setLastUpdated(timestamp(s.acceptedAt()))));
    ListenersConfigDump.Builder listeners = ListenersConfigDump.newBuilder().setVersionInfo(t.get(ResourceType.LISTENER).version());
    each(t.get(ResourceType.LISTENER), (name, resource, s) -> listeners.addDynamicListeners(
        ListenersConfigDump.DynamicListener.newBuilder().setName(name).setActiveState(
            ListenersConfigDump.DynamicListenerState.newBuilder().setVersionInfo(s.version()).setListener(resource)
                .setLastUpdated(timestamp(s.acceptedAt())))));
    XdsSnapshot.TypeSnapshot lds = t.get(ResourceType.LISTENER);
    if (lds.lastError() != null) {
      // Envoy shows a rejected update as the error state of the listeners it named; ours names the update.
      listeners.addDynamicListeners(ListenersConfigDump.DynamicListener.newBuilder().setName("(rejected update)")
          .setErrorState(UpdateFailureState.newBuilder().setDetails(lds.lastError())));
    }
    RoutesConfigDump.Builder routes = RoutesConfigDump.newBuilder();
    each(t.get(ResourceType.ROUTE), (name, resource, s) -> routes.addDynamicRouteConfigs(
        RoutesConfigDump.DynamicRouteConfig.newBuilder().setVersionInfo(s.version()).setRouteConfig(resource)
            .setLastUpdated(timestamp(s.acceptedAt()))));
    return ConfigDump.newBuilder()
        .addConfigs(Any.pack(clusters.build()))
        .addConfigs(Any.pack(endpoints.build()))
        .addConfigs(Any.pack(listeners.build()))
        .addConfigs(Any.pack(routes.build()))
        .addConfigs(Any.pack(SecretsDump.build(identity)))
        .addConfigs(Any.pack(skipped(t.get(ResourceType.LISTENER))))
        .build();
  }

  /** {"outrigger_skipped_filters": {"<listener>": [{filter_chain, kind, name, type_url, why}, ...]}} */
  static Struct skipped(XdsSnapshot.TypeSnapshot listeners) {
    Struct.Builder byListener = Struct.newBuilder();
    for (Map.Entry<String, Any> e : new TreeMap<>(listeners.resources()).entrySet()) {
      ListValue.Builder list = ListValue.newBuilder();
      Listener listener;
      try {
        listener = (Listener) ResourceType.LISTENER.parse(e.getValue());
      } catch (InvalidProtocolBufferException e2) { // every listener in force was parsed to be translated
        throw new IllegalStateException("a listener in force does not parse", e2);
      }
      for (SkippedFilter f : ListenerTranslator.skipped(listener)) {
        list.addValues(Value.newBuilder().setStructValue(Struct.newBuilder()
            .putFields("filter_chain", string(f.filterChain())).putFields("kind", string(f.kind()))
            .putFields("name", string(f.name())).putFields("type_url", string(f.typeUrl()))
            .putFields("why", string(f.why()))));
      }
      if (list.getValuesCount() > 0) {
        byListener.putFields(e.getKey(), Value.newBuilder().setListValue(list).build());
      }
    }
    return Struct.newBuilder().putFields(SKIPPED_KEY, Value.newBuilder().setStructValue(byListener).build()).build();
  }

  private static Value string(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  /**
   * Envoy's JSON, every resource printed (see {@link PrintableJson} for types without a class
   * here); should printing still fail, an error saying why.
   */
  public static String toJson(XdsSnapshot snapshot) {
    return toJson(snapshot, Optional.empty());
  }

  public static String toJson(XdsSnapshot snapshot, Optional<IdentityMaterial> identity) {
    ConfigDump dump = build(snapshot, identity);
    try {
      return PrintableJson.print(dump);
    } catch (InvalidProtocolBufferException | RuntimeException unknownType) {
      String why = String.valueOf(unknownType.getMessage()).replace("\\", "\\\\").replace("\"", "\\\"");
      return "{\"error\": \"cannot print the xDS resources: " + why + "\"}";
    }
  }

  private interface Entry {
    void add(String name, Any resource, XdsSnapshot.TypeSnapshot type);
  }

  private static void each(XdsSnapshot.TypeSnapshot type, Entry entry) {
    new TreeMap<>(type.resources()).forEach((name, resource) -> entry.add(name, resource, type));
  }

  private static Timestamp timestamp(Instant at) {
    return at == null ? Timestamp.getDefaultInstance()
        : Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
  }
}
