package dev.outrigger.xds;

import com.google.protobuf.Message;
import dev.outrigger.core.cluster.ClusterSpec;
import dev.outrigger.core.cluster.EndpointSet;
import dev.outrigger.core.config.ConfigStore;
import dev.outrigger.core.route.listener.ListenerSpec;
import dev.outrigger.core.route.listener.ListenerTable;
import dev.outrigger.core.route.listener.NetworkAction;
import dev.outrigger.core.route.table.RouteTable;
import dev.outrigger.core.route.table.VirtualHost;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns xDS updates into the proxy's {@link ConfigStore}: each resource type is applied whole (a
 * resource that cannot be applied rejects its update, and the previous one stays), and the names
 * the new listeners and clusters refer to become the route and endpoint subscriptions. A resource
 * equal to the last applied one keeps its translation ({@link TranslationMemo}): a push that adds
 * one service to a large mesh translates that service's resources, not the mesh.
 */
public final class XdsConfigSource implements XdsUpdates {
  private static final Logger log = LoggerFactory.getLogger(XdsConfigSource.class);
  private final ConfigStore store;
  private final BiConsumer<ResourceType, Set<String>> subscribe;
  private final Consumer<Map<String, NameTables.NameEntry>> nameTables;
  // The translations of the last applied resources, for the next update to reuse (touched only
  // on the xDS client's thread).
  private final TranslationMemo<String, Listener, ListenerSpec> listenerSpecs = new TranslationMemo<>();
  private final TranslationMemo<VirtualHostKey, io.envoyproxy.envoy.config.route.v3.VirtualHost, VirtualHost> virtualHosts =
      new TranslationMemo<>();
  private final TranslationMemo<String, Cluster, ClusterSpec> clusterSpecs = new TranslationMemo<>();
  private final TranslationMemo<String, ClusterLoadAssignment, EndpointSet> endpointSets = new TranslationMemo<>();

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
    TranslationMemo<String, Listener, ListenerSpec>.Update update = listenerSpecs.update();
    for (Map.Entry<String, Message> e : resources.entrySet()) {
      Listener l = (Listener) e.getValue();
      if (ListenerTranslator.isInternal(l)) {
        continue; // reachable only from inside Envoy; the config dump lists it as skipped
      }
      ListenerSpec spec = update.translate(e.getKey(), l, ListenerTranslator::listener);
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
    applied(ResourceType.LISTENER, update);
    subscribe.accept(ResourceType.ROUTE, rds);
  }

  /**
   * Each virtual host equal to the last one of its name in its table keeps its translation: istiod
   * sends one route configuration per port with a virtual host per service, so one service added
   * changes one virtual host of a thousand. The table itself is built again (its domain index
   * spans its virtual hosts). A configuration is not compared whole first: one that changed would
   * be compared twice, and comparing protobuf messages allocates (protobuf-java 3.25 makes a new
   * empty MapField for each unset map field on each call, and a virtual host and each of its
   * routes have one); an unchanged one is the instance in force (ResourcesInForce), so each of
   * its virtual hosts is found equal by identity.
   */
  private void routes(Map<String, Message> resources) throws RejectedUpdate {
    Map<String, RouteTable> tables = new HashMap<>();
    TranslationMemo<VirtualHostKey, io.envoyproxy.envoy.config.route.v3.VirtualHost, VirtualHost>.Update update =
        virtualHosts.update();
    for (Map.Entry<String, Message> e : resources.entrySet()) {
      tables.put(e.getKey(), RouteTranslator.translate((RouteConfiguration) e.getValue(), (table, vh) ->
          update.translate(new VirtualHostKey(table, vh.getName()), vh, m -> RouteTranslator.virtualHost(table, m))));
    }
    store.update(c -> c.withRoutes(tables));
    applied(ResourceType.ROUTE, update);
  }

  /** A virtual host, by the route configuration it is in and its name there. */
  private record VirtualHostKey(String table, String host) {}

  private void clusters(Map<String, Message> resources) throws RejectedUpdate {
    Map<String, ClusterSpec> specs = new HashMap<>();
    Set<String> eds = new TreeSet<>();
    TranslationMemo<String, Cluster, ClusterSpec>.Update update = clusterSpecs.update();
    for (Map.Entry<String, Message> e : resources.entrySet()) {
      Cluster c = (Cluster) e.getValue();
      ClusterSpec spec = update.translate(e.getKey(), c, ClusterTranslator::cluster);
      specs.put(spec.name(), spec);
      if (spec.discovery() == ClusterSpec.Discovery.EDS) {
        eds.add(spec.edsServiceName());
      }
    }
    store.update(c -> c.withClusters(specs));
    applied(ResourceType.CLUSTER, update);
    subscribe.accept(ResourceType.ENDPOINT, eds);
  }

  /** istiod sends one table; several are merged (a host in two keeps one of them). */
  private void nameTable(Map<String, Message> resources) {
    Map<String, NameTables.NameEntry> hosts = new HashMap<>();
    resources.values().forEach(m -> hosts.putAll(NameTables.entries(m)));
    nameTables.accept(hosts);
  }

  /**
   * Unchanged assignments (the same instance after a partial response, an equal one after a full
   * one) keep their translation: a push of one service's endpoints in a mesh of thousands
   * translates one assignment, not all of them.
   */
  private void endpoints(Map<String, Message> resources) throws RejectedUpdate {
    Map<String, EndpointSet> sets = new HashMap<>();
    TranslationMemo<String, ClusterLoadAssignment, EndpointSet>.Update update = endpointSets.update();
    for (Map.Entry<String, Message> e : resources.entrySet()) {
      sets.put(e.getKey(), update.translate(e.getKey(), (ClusterLoadAssignment) e.getValue(), ClusterTranslator::endpoints));
    }
    store.update(c -> c.withEndpoints(sets));
    applied(ResourceType.ENDPOINT, update);
  }

  /** The update is in force: its translations are the ones the next update may reuse. */
  private static void applied(ResourceType type, TranslationMemo<?, ?, ?>.Update update) {
    update.commit();
    if (log.isDebugEnabled()) {
      log.debug("xDS: {}: {} of {} translated, the others unchanged{}", type, update.size() - update.reused(),
          update.size(), type == ResourceType.ROUTE ? " (virtual hosts)" : "");
    }
  }
}
