package dev.outrigger.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.admin.v3.ListenersConfigDump;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The xDS part of /config_dump in Envoy's layout. */
class XdsConfigDumpTest {
  private static XdsSnapshot snapshot(String listenerError) {
    Map<ResourceType, XdsSnapshot.TypeSnapshot> types = new EnumMap<>(ResourceType.class);
    Instant at = Instant.parse("2026-11-27T10:00:00Z");
    for (ResourceType t : ResourceType.values()) {
      Map<String, Message> resources = switch (t) {
        case CLUSTER -> Map.of("PassthroughCluster", Cluster.newBuilder().setName("PassthroughCluster").build());
        case LISTENER -> Map.of("virtualOutbound", Listener.newBuilder().setName("virtualOutbound").build());
        default -> Map.of();
      };
      types.put(t, new XdsSnapshot.TypeSnapshot(t, "2026-11-27T10:00:00Z/7", resources, Set.of(), at,
          t == ResourceType.LISTENER ? listenerError : null));
    }
    return new XdsSnapshot(true, types);
  }

  @Test
  void configsInEnvoysOrderWithVersions() throws Exception {
    ConfigDump dump = XdsConfigDump.build(snapshot(null));
    assertEquals(4, dump.getConfigsCount());
    ListenersConfigDump listeners = dump.getConfigs(2).unpack(ListenersConfigDump.class);
    assertEquals("virtualOutbound", listeners.getDynamicListeners(0).getName());
    assertEquals("2026-11-27T10:00:00Z/7", listeners.getDynamicListeners(0).getActiveState().getVersionInfo());
    String json = XdsConfigDump.toJson(snapshot(null));
    assertTrue(json.contains("\"@type\": \"type.googleapis.com/envoy.admin.v3.ClustersConfigDump\""), json);
    assertTrue(json.contains("\"dynamicActiveClusters\""), json);
  }

  @Test
  void aRejectedUpdateShowsAsAnErrorState() throws Exception {
    ListenersConfigDump listeners = XdsConfigDump.build(snapshot("listener x: network filter y is not supported"))
        .getConfigs(2).unpack(ListenersConfigDump.class);
    assertEquals("listener x: network filter y is not supported",
        listeners.getDynamicListeners(1).getErrorState().getDetails());
  }
}
