package dev.outrigger.core.route.mesh;

import dev.outrigger.core.cluster.ClusterManager;
import dev.outrigger.core.config.ConfigStore;
import dev.outrigger.core.config.MeshConfig;
import dev.outrigger.core.log.ResponseFlag;
import dev.outrigger.core.route.ConnectionPlan;
import dev.outrigger.core.route.RouteDecision;
import dev.outrigger.core.route.Upstream;
import dev.outrigger.core.route.listener.ConnectionFacts;
import dev.outrigger.core.route.listener.DownstreamTlsSpec;
import dev.outrigger.core.route.listener.FilterChain;
import dev.outrigger.core.route.listener.ListenerSpec;
import dev.outrigger.core.route.listener.ListenerTable;
import dev.outrigger.core.route.listener.NetworkAction;
import dev.outrigger.core.route.table.FaultPolicy;
import dev.outrigger.core.route.table.HeaderMutations;
import dev.outrigger.core.route.table.RetryPolicy;
import dev.outrigger.core.route.table.WeightedCluster;
import dev.outrigger.core.tls.ServerTlsPolicy;
import dev.outrigger.core.tls.TlsContexts;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a listener of the mesh configuration does with one connection: Envoy's filter-chain choice,
 * then its terminal filter — tcp_proxy to an endpoint of a (weighted) cluster, or the HTTP
 * connection manager whose requests are routed one by one.
 */
public final class ChainPlanner {
  private final ConfigStore store;
  private final ClusterManager clusters;
  /** This workload's identity for chains that terminate TLS; null when it has none. */
  private final TlsContexts tls;

  public ChainPlanner(ConfigStore store, ClusterManager clusters) {
    this(store, clusters, null);
  }

  public ChainPlanner(ConfigStore store, ClusterManager clusters, TlsContexts tls) {
    this.store = store;
    this.clusters = clusters;
    this.tls = tls;
  }

  /**
   * @param original the endpoint the connection's own destination stands for (what an
   *     ORIGINAL_DST cluster connects to: the address dialled, or the app for inbound)
   */
  public ConnectionPlan plan(MeshConfig config, ListenerSpec listener, ConnectionFacts facts, Upstream original) {
    Optional<FilterChain> chain = ListenerTable.chooseChain(listener, facts);
    if (chain.isEmpty()) {
      // Envoy closes a connection no filter chain takes, with flag NR.
      return new ConnectionPlan.Refuse(ResponseFlag.NO_ROUTE, null,
          "no filter chain of listener " + listener.name() + " matches");
    }
    NetworkAction action = chain.get().action();
    if (chain.get().tls().isPresent() && tls != null) {
      return terminateTls(config, chain.get(), chain.get().tls().get(), original);
    }
    if (action instanceof NetworkAction.TcpProxy tcp) {
      return tcpProxy(config, tcp, original);
    }
    if (!"raw_buffer".equals(facts.transportProtocol())) {
      // An HTTP chain for TLS bytes that nothing terminates (the chain has no DownstreamTlsContext,
      // or this sidecar has no certificate): the HTTP codec on a ClientHello would only answer 400.
      return new ConnectionPlan.Refuse(ResponseFlag.NO_ROUTE, null, "filter chain " + chain.get().name()
          + " of listener " + listener.name() + " serves HTTP over TLS, which needs TLS termination"
          + (chain.get().tls().isPresent() ? " and a workload certificate (FILE_MOUNTED_CERTS, or istiod's CA)" : ""));
    }
    NetworkAction.Http http = (NetworkAction.Http) action;
    return new ConnectionPlan.Http(new TableRouter(store, clusters, http, original));
  }

  /**
   * A chain with a DownstreamTlsContext (istiod's mTLS inbound chains): TLS ends here, with the
   * client certificate required as the context says, then the chain's own action on the plaintext.
   * Without an identity yet, Envoy's SDS-not-ready socket closes the connection: refused, NR.
   */
  private ConnectionPlan terminateTls(MeshConfig config, FilterChain chain, DownstreamTlsSpec spec, Upstream original) {
    ConnectionPlan inner = chain.action() instanceof NetworkAction.TcpProxy tcp
        ? tcpProxy(config, tcp, original)
        : new ConnectionPlan.Http(new TableRouter(store, clusters, (NetworkAction.Http) chain.action(), original));
    return ConnectionPlan.TerminateTls.orRefuse(tls,
        new ServerTlsPolicy(spec.alpn(), spec.requireClientCertificate(), List.of()), inner, "filter chain " + chain.name());
  }

  private ConnectionPlan tcpProxy(MeshConfig config, NetworkAction.TcpProxy tcp, Upstream original) {
    String cluster = pick(tcp.clusters());
    if (cluster == null) {
      return new ConnectionPlan.Refuse(ResponseFlag.NO_ROUTE, null, "tcp_proxy " + tcp.statPrefix() + " has no cluster");
    }
    ClusterManager.Choice choice = clusters.choose(config, cluster, original);
    if (choice instanceof ClusterManager.Choice.Chosen c) {
      return new ConnectionPlan.Tcp(new RouteDecision(cluster, c.upstream(), c.target(), null, Duration.ZERO,
          RetryPolicy.NONE, FaultPolicy.NONE, HeaderMutations.NONE));
    }
    // Envoy's tcp_proxy: no such cluster, or no healthy host, closes the connection.
    return choice instanceof ClusterManager.Choice.NoCluster
        ? new ConnectionPlan.Refuse(ResponseFlag.NO_CLUSTER_FOUND, cluster, "cluster " + cluster + " not found")
        : new ConnectionPlan.Refuse(ResponseFlag.NO_HEALTHY_UPSTREAM, cluster, "no healthy upstream in " + cluster);
  }

  /** One cluster of a weighted set, by weight; null when the set is empty or all weights are 0. */
  static String pick(List<WeightedCluster> weighted) {
    if (weighted.size() == 1) {
      return weighted.get(0).name();
    }
    int total = weighted.stream().mapToInt(WeightedCluster::weight).sum();
    return total <= 0 ? null : WeightedCluster.pick(weighted, ThreadLocalRandom.current().nextInt(total));
  }
}
