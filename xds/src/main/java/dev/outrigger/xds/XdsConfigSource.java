package dev.outrigger.xds;

import com.google.protobuf.Message;
import dev.outrigger.core.cluster.ClusterSpec;
import dev.outrigger.core.cluster.EndpointSet;
import dev.outrigger.core.config.ConfigStore;
import dev.outrigger.core.route.listener.ListenerSpec;
import dev.outrigger.core.route.listener.ListenerTable;
import dev.outrigger.core.route.listener.NetworkAction;
import dev.outrigger.core.route.table.RouteTable;
import dev.outrigger.xds.translate.ClusterTranslator;
import dev.outrigger.xds.translate.ListenerTranslator;
import dev.outrigger.xds.translate.RouteTranslator;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import dev.outrigger.xds.nds.NameTables;

/**
 * Turns xDS updates into the proxy's {@link ConfigStore}: each resource type is translated whole
 * (a resource that cannot be applied rejects its update, and the previous one stays), and the
 * names the new listeners and clusters refer to become the route and endpoint subscriptions.
 */
public final class XdsConfigSource implements XdsUpdates {
  private final ConfigStore store;
  private final BiConsumer<ResourceType, Set<String>> subscribe;
  private final Consumer<Map<String, NameTables.NameEntry>> nameTables;
  /** The last applied assignments and their translations (touched only on the xDS client's thread). */
  private Map<String, Message> endpointMessages = Map.of();
  private Map<String, EndpointSet> endpointSets = Map.of();

  /** @param subscribe called with the route / endpoint names to subscribe to (AdsClient::subscribe) */
  public XdsConfigSource(ConfigStore store, BiConsumer<ResourceType, Set<String>> subscribe) {
    this(store, subscribe, table -> { });
  }

  /** @param nameTables given each NDS name table (host to entry), for the DNS proxy */
  public XdsConfigSource(ConfigStore store, BiConsumer<ResourceType, Set<String>> subscribe,
      Consumer<Map<String, NameTables.NameEntry>> nameTables) {
    this.store = store;
    this.subscribe = subscribe;
    this.nameTables = nameTables;
  }

  @Override
  public void accept(ResourceType type, Map<String, Message> resources) throws RejectedUpdate {
    switch (type) {
      case LISTENER -> listeners(resources);
      case ROUTE -> routes(resources);
      case CLUSTER -> clusters(resources);
      case ENDPOINT -> endpoints(resources);
      case NAME_TABLE -> nameTable(resources);
      default -> throw new IllegalStateException(type.name());
    }
  }

  private void listeners(Map<String, Message> resources) throws RejectedUpdate {
    List<ListenerSpec> specs = new ArrayList<>();
    Set<String> rds = new TreeSet<>();
    for (Message m : resources.values()) {
      if (ListenerTranslator.isInternal((Listener) m)) {
        continue; // reachable only from inside Envoy; the config dump lists it as skipped
      }
      ListenerSpec spec = ListenerTranslator.listener((Listener) m);
      specs.add(spec);
      spec.chains().forEach(c -> {
        if (c.action() instanceof NetworkAction.Http http && !http.rdsName().isEmpty()) {
          rds.add(http.rdsName());
        }
      });
    }
    ListenerTable table;
    try {
      table = new ListenerTable(specs);
    } catch (IllegalArgumentException e) {
      throw new RejectedUpdate(e.getMessage());
    }
    store.update(c -> c.withListeners(table));
    subscribe.accept(ResourceType.ROUTE, rds);
  }

  private void routes(Map<String, Message> resources) throws RejectedUpdate {
    Map<String, RouteTable> tables = new HashMap<>();
    for (Map.Entry<String, Message> e : resources.entrySet()) {
      tables.put(e.getKey(), RouteTranslator.translate((RouteConfiguration) e.getValue()));
    }
    store.update(c -> c.withRoutes(tables));
  }

  private void clusters(Map<String, Message> resources) throws RejectedUpdate {
    Map<String, ClusterSpec> specs = new HashMap<>();
    Set<String> eds = new TreeSet<>();
    for (Message m : resources.values()) {
      Cluster c = (Cluster) m;
      ClusterSpec spec = ClusterTranslator.cluster(c);
      specs.put(spec.name(), spec);
      if (spec.discovery() == ClusterSpec.Discovery.EDS) {
        eds.add(ClusterTranslator.edsName(c));
      }
    }
    store.update(c -> c.withClusters(specs));
    subscribe.accept(ResourceType.ENDPOINT, eds);
  }

  /** istiod sends one table; several are merged (a host in two keeps one of them). */
  private void nameTable(Map<String, Message> resources) {
    Map<String, NameTables.NameEntry> hosts = new HashMap<>();
    resources.values().forEach(m -> hosts.putAll(NameTables.entries(m)));
    nameTables.accept(hosts);
  }

  private void endpoints(Map<String, Message> resources) throws RejectedUpdate {
    Map<String, EndpointSet> sets = new HashMap<>();
    for (Map.Entry<String, Message> e : resources.entrySet()) {
      EndpointSet previous = endpointSets.get(e.getKey());
      // Unchanged assignments (the same instance after a partial response, an equal one after a
      // full one) keep their translation: a push of one service's endpoints in a mesh of
      // thousands translates one assignment, not all of them.
      sets.put(e.getKey(), previous != null && e.getValue().equals(endpointMessages.get(e.getKey()))
          ? previous : ClusterTranslator.endpoints((ClusterLoadAssignment) e.getValue()));
    }
    store.update(c -> c.withEndpoints(sets));
    endpointMessages = resources;
    endpointSets = sets;
  }
}
