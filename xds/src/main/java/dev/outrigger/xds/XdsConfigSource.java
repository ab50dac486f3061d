package dev.outrigger.xds;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
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
import java.util.Optional;
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
 * sent as the bytes of the last applied one keeps its translation ({@link TranslationMemo}) and is
 * not parsed: a push that adds one service to a large mesh translates that service's resources,
 * not the mesh, and no parsed message outlives the update that needed it ({@link XdsResource}).
 */
public final class XdsConfigSource implements XdsUpdates {
  private static final Logger log = LoggerFactory.getLogger(XdsConfigSource.class);
  private final ConfigStore store;
  private final BiConsumer<ResourceType, Set<String>> subscribe;
  private final Consumer<Map<String, NameTables.NameEntry>> nameTables;
  // The translations of the last applied resources, for the next update to reuse (touched only
  // on the xDS client's thread).
  /** Empty for a listener that is not ours to run (internal). */
  private final TranslationMemo<String, Any, Optional<ListenerSpec>> listenerSpecs = new TranslationMemo<>();
  private final TranslationMemo<String, Any, RouteTableTranslation> routeTables = new TranslationMemo<>();
  private final TranslationMemo<String, Any, ClusterSpec> clusterSpecs = new TranslationMemo<>();
  private final TranslationMemo<String, Any, EndpointSet> endpointSets = new TranslationMemo<>();

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
  public void accept(ResourceType type, Map<String, XdsResource> resources) throws RejectedUpdate {
    switch (type) {
      case LISTENER -> listeners(resources);
      case ROUTE -> routes(resources);
      case CLUSTER -> clusters(resources);
      case ENDPOINT -> endpoints(resources);
      case NAME_TABLE -> nameTable(resources);
      default -> throw new IllegalStateException(type.name());
    }
  }

  private void listeners(Map<String, XdsResource> resources) throws RejectedUpdate {
    List<ListenerSpec> specs = new ArrayList<>();
    Set<String> rds = new TreeSet<>();
    TranslationMemo<String, Any, Optional<ListenerSpec>>.Update update = listenerSpecs.update();
    for (Map.Entry<String, XdsResource> e : resources.entrySet()) {
      Optional<ListenerSpec> translated = update.translate(e.getKey(), e.getValue().sent(), sent -> {
        Listener l = (Listener) e.getValue().message();
        // reachable only from inside Envoy; the config dump lists it as skipped
        return ListenerTranslator.isInternal(l) ? Optional.empty() : Optional.of(ListenerTranslator.listener(l));
      });
      if (translated.isEmpty()) {
        continue;
      }
      ListenerSpec spec = translated.get();
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
   * A route table and the translations of its virtual hosts, by the bytes each came in, for the
   * next version of the table to reuse.
   */
  private record RouteTableTranslation(RouteTable table, Map<ByteString, VirtualHost> virtualHosts) {}

  /**
   * A route configuration sent as the same bytes keeps its table. One that changed is split into
   * its virtual hosts' bytes and the rest ({@link VirtualHostBytes}); a virtual host sent as the
   * bytes of one in the table's last version keeps that one's translation and is not parsed:
   * istiod sends one route configuration per port with a virtual host per service, so one service
   * added parses and translates one virtual host of a thousand. The virtual hosts are known by
   * their bytes (slices of the configuration's, which are kept anyway), so no parsed message is
   * kept. The table itself is built again (its domain index spans its virtual hosts).
   */
  private void routes(Map<String, XdsResource> resources) throws RejectedUpdate {
    Map<String, RouteTable> tables = new HashMap<>();
    TranslationMemo<String, Any, RouteTableTranslation>.Update update = routeTables.update();
    for (Map.Entry<String, XdsResource> e : resources.entrySet()) {
      RouteTableTranslation last = update.accepted(e.getKey());
      tables.put(e.getKey(), update.translate(e.getKey(), e.getValue().sent(), sent -> routeTable(sent, last)).table());
    }
    store.update(c -> c.withRoutes(tables));
    applied(ResourceType.ROUTE, update);
  }

  private static RouteTableTranslation routeTable(Any sent, RouteTableTranslation last) throws RejectedUpdate {
    VirtualHostBytes.Split split;
    RouteConfiguration config;
    try {
      split = VirtualHostBytes.split(sent.getValue());
      config = RouteConfiguration.parseFrom(split.withoutVirtualHosts());
    } catch (InvalidProtocolBufferException e) {
      throw ResourceType.ROUTE.unparsable(sent, e);
    }
    Map<ByteString, VirtualHost> before = last == null ? Map.of() : last.virtualHosts();
    Map<ByteString, VirtualHost> now = new HashMap<>();
    List<VirtualHost> hosts = new ArrayList<>(split.virtualHosts().size());
    for (ByteString bytes : split.virtualHosts()) {
      VirtualHost translated = before.get(bytes);
      if (translated == null) {
        io.envoyproxy.envoy.config.route.v3.VirtualHost vh;
        try {
          vh = io.envoyproxy.envoy.config.route.v3.VirtualHost.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
          throw new RejectedUpdate("route configuration " + config.getName() + ": a virtual host that does not parse: "
              + e.getMessage());
        }
        translated = RouteTranslator.virtualHost(config.getName(), vh);
      }
      now.put(bytes, translated);
      hosts.add(translated);
    }
    if (log.isDebugEnabled()) {
      log.debug("xDS: route configuration {}: {} of {} virtual hosts translated", config.getName(),
          now.keySet().stream().filter(b -> !before.containsKey(b)).count(), hosts.size());
    }
    return new RouteTableTranslation(RouteTranslator.table(config, hosts), now);
  }

  private void clusters(Map<String, XdsResource> resources) throws RejectedUpdate {
    Map<String, ClusterSpec> specs = new HashMap<>();
    Set<String> eds = new TreeSet<>();
    TranslationMemo<String, Any, ClusterSpec>.Update update = clusterSpecs.update();
    for (Map.Entry<String, XdsResource> e : resources.entrySet()) {
      ClusterSpec spec = update.translate(e.getKey(), e.getValue().sent(),
          sent -> ClusterTranslator.cluster((Cluster) e.getValue().message()));
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
  private void nameTable(Map<String, XdsResource> resources) throws RejectedUpdate {
    Map<String, NameTables.NameEntry> hosts = new HashMap<>();
    for (XdsResource r : resources.values()) {
      hosts.putAll(NameTables.entries(r.message()));
    }
    nameTables.accept(hosts);
  }

  /**
   * Unchanged assignments (the same bytes, whether the response carried them again or not) keep
   * their translation: a push of one service's endpoints in a mesh of thousands translates one
   * assignment, not all of them.
   */
  private void endpoints(Map<String, XdsResource> resources) throws RejectedUpdate {
    Map<String, EndpointSet> sets = new HashMap<>();
    TranslationMemo<String, Any, EndpointSet>.Update update = endpointSets.update();
    for (Map.Entry<String, XdsResource> e : resources.entrySet()) {
      sets.put(e.getKey(), update.translate(e.getKey(), e.getValue().sent(),
          sent -> ClusterTranslator.endpoints((ClusterLoadAssignment) e.getValue().message())));
    }
    store.update(c -> c.withEndpoints(sets));
    applied(ResourceType.ENDPOINT, update);
  }

  /** The update is in force: its translations are the ones the next update may reuse. */
  private static void applied(ResourceType type, TranslationMemo<?, ?, ?>.Update update) {
    update.commit();
    if (log.isDebugEnabled()) {
      log.debug("xDS: {}: {} of {} translated, the others unchanged", type, update.size() - update.reused(),
          update.size());
    }
  }
}
