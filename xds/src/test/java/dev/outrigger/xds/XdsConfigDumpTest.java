package dev.outrigger.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.outrigger.xds.translate.RealSidecarConfigTest;
import dev.outrigger.xds.translate.TestResources;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.admin.v3.ListenersConfigDump;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The xDS part of /config_dump in Envoy's layout. */
class XdsConfigDumpTest {
  private static XdsSnapshot snapshot(String listenerError) {
    return snapshot(listenerError, Map.of("virtualOutbound", Listener.newBuilder().setName("virtualOutbound").build()),
        Map.of("PassthroughCluster", Cluster.newBuilder().setName("PassthroughCluster").build()));
  }

  private static XdsSnapshot snapshot(String listenerError, Map<String, Message> listeners, Map<String, Message> clusters) {
    Map<ResourceType, XdsSnapshot.TypeSnapshot> types = new EnumMap<>(ResourceType.class);
    Instant at = Instant.parse("2026-11-27T10:00:00Z");
    for (ResourceType t : ResourceType.values()) {
      Map<String, Message> resources = switch (t) {
        case CLUSTER -> clusters;
        case LISTENER -> listeners;
        default -> Map.of();
      };
      Map<String, Any> sent = new TreeMap<>();
      resources.forEach((name, m) -> sent.put(name, Any.pack(m)));
      types.put(t, new XdsSnapshot.TypeSnapshot(t, "2026-11-27T10:00:00Z/7", sent, Set.of(), at,
          t == ResourceType.LISTENER ? listenerError : null));
    }
    return new XdsSnapshot(true, types);
  }

  @Test
  void configsInEnvoysOrderWithVersions() throws Exception {
    ConfigDump dump = XdsConfigDump.build(snapshot(null));
    assertEquals(6, dump.getConfigsCount());
    ListenersConfigDump listeners = dump.getConfigs(2).unpack(ListenersConfigDump.class);
    assertEquals("virtualOutbound", listeners.getDynamicListeners(0).getName());
    assertEquals("2026-11-27T10:00:00Z/7", listeners.getDynamicListeners(0).getActiveState().getVersionInfo());
    String json = XdsConfigDump.toJson(snapshot(null));
    assertTrue(json.contains("\"@type\": \"type.googleapis.com/envoy.admin.v3.ClustersConfigDump\""), json);
    assertTrue(json.contains("\"dynamic_active_clusters\""), "proto field names, as Envoy prints them: " + json);
  }

  /** A snapshot holding the resources of a real sidecar's config dump. */
  private static XdsSnapshot realSnapshot() throws Exception {
    ConfigDump real = RealSidecarConfigTest.dump();
    Map<ResourceType, XdsSnapshot.TypeSnapshot> types = new EnumMap<>(ResourceType.class);
    Instant at = Instant.parse("2023-06-20T09:08:58Z");
    for (ResourceType t : ResourceType.ENVOY_TYPES) {
      Map<String, Any> resources = new TreeMap<>();
      for (Message m : TestResources.resources(real, t.messageClass())) {
        resources.put(t.nameOf(Any.pack(m)), Any.pack(m));
      }
      types.put(t, new XdsSnapshot.TypeSnapshot(t, "2023-06-20T09:08:58Z/4", resources, Set.of(), at, null));
    }
    return new XdsSnapshot(true, types);
  }

  @Test
  void everyResourceOfARealSidecarPrints() throws Exception {
    String json = XdsConfigDump.toJson(realSnapshot());
    assertFalse(json.contains("cannot print"), json);
    JsonObject dump = JsonParser.parseString(json).getAsJsonObject();
    JsonArray configs = dump.getAsJsonArray("configs");
    assertEquals("type.googleapis.com/envoy.admin.v3.ListenersConfigDump",
        configs.get(2).getAsJsonObject().get("@type").getAsString());
    List<String> listeners = new ArrayList<>();
    configs.get(2).getAsJsonObject().getAsJsonArray("dynamic_listeners")
        .forEach(l -> listeners.add(l.getAsJsonObject().get("name").getAsString()));
    assertEquals(List.of("0.0.0.0_9080", "10.96.0.10_53", "main_internal", "virtualInbound", "virtualOutbound"), listeners);
    assertTrue(json.contains("\"outbound|9080|v1|productpage.default.svc.cluster.local\""), "the cluster");
    assertTrue(json.contains("\"cluster_name\": \"outbound|9080||reviews.default.svc.cluster.local\""), "its endpoints");
    assertTrue(json.contains("\"name\": \"http.8080\""), "the route");
    for (String type : List.of("envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext",
        "envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext", "envoy.extensions.filters.http.wasm.v3.Wasm",
        "envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector", "udpa.type.v1.TypedStruct",
        "envoy.extensions.filters.http.rbac.v3.RBAC", "envoy.extensions.filters.http.cors.v3.Cors")) {
      assertTrue(json.contains("\"@type\": \"type.googleapis.com/" + type + "\""), type);
    }
  }

  @Test
  void anIstioTypeWithoutAClassHereKeepsItsTypeUrlAndBytes() throws Exception {
    Any alpn = Any.newBuilder().setTypeUrl("type.googleapis.com/istio.envoy.config.filter.http.alpn.v2alpha1.FilterConfig")
        .setValue(ByteString.copyFromUtf8("\n\u0004h2c!")).build();
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder().setStatPrefix("outbound_0.0.0.0_9080")
        .addHttpFilters(HttpFilter.newBuilder().setName("istio.alpn").setTypedConfig(alpn))
        // An access log and a typed extension protocol option, as istiod sends them.
        .addAccessLog(AccessLog.newBuilder().setName("envoy.access_loggers.file")
            .setTypedConfig(Any.pack(FileAccessLog.newBuilder().setPath("/dev/stdout").build())))
        .build();
    Listener listener = Listener.newBuilder().setName("0.0.0.0_9080").addFilterChains(FilterChain.newBuilder()
        .addFilters(Filter.newBuilder().setName("envoy.filters.network.http_connection_manager")
            .setTypedConfig(Any.pack(hcm)))).build();
    Cluster cluster = Cluster.newBuilder().setName("outbound|9080||reviews.default.svc.cluster.local")
        .putTypedExtensionProtocolOptions("envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
            Any.pack(HttpProtocolOptions.newBuilder().setUseDownstreamProtocolConfig(
                HttpProtocolOptions.UseDownstreamHttpConfig.getDefaultInstance()).build()))
        .build();
    String json = XdsConfigDump.toJson(snapshot(null, Map.of(listener.getName(), listener), Map.of(cluster.getName(), cluster)));
    assertFalse(json.contains("cannot print"), json);
    JsonObject filter = find(JsonParser.parseString(json), "istio.alpn").getAsJsonObject().getAsJsonObject("typed_config");
    assertEquals(alpn.getTypeUrl(), filter.get("@type").getAsString());
    assertEquals(alpn.getValue(), ByteString.copyFrom(Base64.getDecoder().decode(filter.get("value").getAsString())),
        "{\"@type\": url, \"value\": base64}: the Any's own fields, which istioctl's lenient reader takes");
    assertEquals(2, filter.size());
    assertTrue(json.contains("\"@type\": \"type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog\""));
    assertTrue(json.contains("\"@type\": \"type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions\""));
  }

  @Test
  void theSkippedFiltersHaveASectionOfTheirOwn() throws Exception {
    ConfigDump dump = XdsConfigDump.build(realSnapshot());
    Struct skipped = dump.getConfigs(dump.getConfigsCount() - 1).unpack(Struct.class);
    Struct byListener = skipped.getFieldsOrThrow(XdsConfigDump.SKIPPED_KEY).getStructValue();
    List<String> http = new ArrayList<>();
    for (Value v : byListener.getFieldsOrThrow("0.0.0.0_9080").getListValue().getValuesList()) {
      Struct s = v.getStructValue();
      http.add(s.getFieldsOrThrow("kind").getStringValue() + ":" + s.getFieldsOrThrow("name").getStringValue());
    }
    assertEquals(List.of("listener_filter:envoy.filters.listener.tls_inspector",
        "listener_filter:envoy.filters.listener.http_inspector", "http_filter:istio.metadata_exchange",
        "http_filter:envoy.filters.http.grpc_stats", "http_filter:istio.alpn", "http_filter:envoy.filters.http.cors",
        "http_filter:istio.stats", "network_filter:istio.stats"), http);
    assertTrue(byListener.containsFields("main_internal"));
    // Envoy's four sections are untouched by it, and it prints as a well-known type.
    String json = XdsConfigDump.toJson(realSnapshot());
    com.google.gson.JsonArray configs = JsonParser.parseString(json).getAsJsonObject().getAsJsonArray("configs");
    JsonObject last = configs.get(configs.size() - 1).getAsJsonObject();
    assertEquals("type.googleapis.com/google.protobuf.Struct", last.get("@type").getAsString());
    assertTrue(last.getAsJsonObject("value").has(XdsConfigDump.SKIPPED_KEY));
  }

  /** The first JSON object whose "name" is {@code name}. */
  private static JsonElement find(JsonElement e, String name) {
    if (e.isJsonObject()) {
      JsonObject o = e.getAsJsonObject();
      if (o.has("name") && o.get("name").isJsonPrimitive() && o.get("name").getAsString().equals(name)) {
        return o;
      }
      for (var field : o.entrySet()) {
        JsonElement found = find(field.getValue(), name);
        if (found != null) {
          return found;
        }
      }
    } else if (e.isJsonArray()) {
      for (JsonElement item : e.getAsJsonArray()) {
        JsonElement found = find(item, name);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  @Test
  void aRejectedUpdateShowsAsAnErrorState() throws Exception {
    ListenersConfigDump listeners = XdsConfigDump.build(snapshot("listener x: network filter y is not supported"))
        .getConfigs(2).unpack(ListenersConfigDump.class);
    assertEquals("listener x: network filter y is not supported",
        listeners.getDynamicListeners(1).getErrorState().getDetails());
  }
}
