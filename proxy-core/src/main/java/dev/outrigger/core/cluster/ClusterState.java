package dev.outrigger.core.cluster;

import dev.outrigger.core.route.ClusterTarget;
import dev.outrigger.core.route.Upstream;
import dev.outrigger.core.route.UpstreamTransport;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One cluster as the data path sees it: its current hosts, balanced by its policy, minus the ones
 * outlier detection ejected, and its request limit. Used from every event loop: the balancer's
 * choice is synchronized (it is short), counters are lock-free.
 */
public final class ClusterState implements ClusterTarget {
  private final LoadBalancer.RandomSource random;
  private final UpstreamTransports transports;
  private volatile ClusterSpec spec;
  private volatile List<Endpoint> hosts = List.of();
  private volatile EndpointSet endpointSet;
  private volatile Map<InetSocketAddress, Endpoint> byAddress = Map.of();
  private LoadBalancer balancer;
  private final OutlierDetector outliers;
  private final CircuitBreaker breaker;
  private final Map<InetSocketAddress, HostStats> stats = new ConcurrentHashMap<>();

  /** What /clusters shows of one host. */
  public static final class HostStats {
    public final LongAdder requests = new LongAdder();
    public final LongAdder errors = new LongAdder();
    public final LongAdder connectFailures = new LongAdder();
    public final LongAdder active = new LongAdder();
  }

  ClusterState(ClusterSpec spec, LoadBalancer.RandomSource random) {
    this(spec, random, UpstreamTransports.NONE);
  }

  ClusterState(ClusterSpec spec, LoadBalancer.RandomSource random, UpstreamTransports transports) {
    this.spec = spec;
    this.random = random;
    this.transports = transports;
    this.balancer = LoadBalancer.of(spec.lbPolicy(), this::activeRequests, random);
    this.outliers = new OutlierDetector(
        spec.outlierDetection().orElse(new OutlierDetection(0, 0, java.time.Duration.ZERO, java.time.Duration.ZERO, 0)),
        System::nanoTime);
    this.breaker = new CircuitBreaker(spec.circuitBreakers());
    this.hosts = routable(spec.endpoints());
    this.byAddress = index(spec.endpoints());
  }

  /** The same state under a changed spec: a new balancer if the policy changed, the rest kept. */
  synchronized ClusterState updatedTo(ClusterSpec next) {
    if (next != spec) {
      if (next.lbPolicy() != spec.lbPolicy()) {
        balancer = LoadBalancer.of(next.lbPolicy(), this::activeRequests, random);
      }
      spec = next;
      if (next.discovery() != ClusterSpec.Discovery.EDS) {
        hosts = routable(next.endpoints());
        byAddress = index(next.endpoints());
      }
    }
    return this;
  }

  /** Takes the EDS cluster's latest endpoints (a no-op when they are the ones it has). */
  void hosts(EndpointSet set) {
    if (spec.discovery() != ClusterSpec.Discovery.EDS || set == endpointSet) {
      return;
    }
    endpointSet = set;
    hosts = set == null ? List.of() : routable(set.endpoints());
    byAddress = index(set == null ? List.of() : set.endpoints());
  }

  private static Map<InetSocketAddress, Endpoint> index(List<Endpoint> endpoints) {
    Map<InetSocketAddress, Endpoint> m = new java.util.HashMap<>();
    endpoints.forEach(e -> m.putIfAbsent(e.address(), e));
    return Map.copyOf(m);
  }

  /** The host at {@code address}, as the latest configuration describes it. */
  public Optional<Endpoint> endpoint(InetSocketAddress address) {
    return Optional.ofNullable(byAddress.get(address));
  }

  private static List<Endpoint> routable(List<Endpoint> endpoints) {
    return endpoints.stream().filter(e -> e.health().routable()).toList();
  }

  public ClusterSpec spec() {
    return spec;
  }

  /** Every host the cluster has now, routable or not (EDS as received, else the spec's). */
  public List<Endpoint> allHosts() {
    EndpointSet set = endpointSet;
    return spec.discovery() == ClusterSpec.Discovery.EDS ? (set == null ? List.of() : set.endpoints()) : spec.endpoints();
  }

  public boolean isEjected(InetSocketAddress host) {
    return outliers.isEjected(host);
  }

  public HostStats stats(InetSocketAddress host) {
    return stats.computeIfAbsent(host, h -> new HostStats());
  }

  public CircuitBreaker breaker() {
    return breaker;
  }

  @Override
  public Optional<Upstream> pick() {
    List<Endpoint> candidates = outliers.available(hosts);
    Optional<Endpoint> chosen;
    synchronized (this) {
      chosen = balancer.choose(candidates);
    }
    ClusterSpec current = spec;
    // Auto mTLS, per endpoint: ISTIO_MUTUAL to an endpoint whose tlsMode says it has a sidecar.
    // The cluster's upstream bind (istiod: 127.0.0.6 when the endpoint is the pod IP itself).
    return chosen.map(e -> new Upstream(e.address(), current.upstreamBind().forEndpoint(e.address().getAddress()),
        current.tlsFor(e).map(transports::istioMutual).orElse(UpstreamTransport.PLAINTEXT)));
  }

  @Override
  public void attemptStarted(Upstream host) {
    HostStats s = stats(host.address());
    s.requests.increment();
    s.active.increment();
  }

  @Override
  public void attemptEnded(Upstream host, int status) {
    HostStats s = stats(host.address());
    s.active.decrement();
    if (status == 0) {
      s.connectFailures.increment();
    } else if (status >= 500) {
      s.errors.increment();
    }
    if (spec.outlierDetection().isPresent()) {
      outliers.record(host.address(), status, hosts.size());
    }
  }

  @Override
  public boolean tryStartRequest() {
    return breaker.tryAcquire(CircuitBreaker.Resource.REQUESTS);
  }

  @Override
  public void requestDone() {
    breaker.release(CircuitBreaker.Resource.REQUESTS);
  }

  @Override
  public boolean tryStartRetry() {
    return breaker.tryAcquire(CircuitBreaker.Resource.RETRIES);
  }

  @Override
  public void retryDone() {
    breaker.release(CircuitBreaker.Resource.RETRIES);
  }

  @Override
  public void attemptCancelled(Upstream host) {
    stats(host.address()).active.decrement();
  }

  private int activeRequests(Endpoint e) {
    HostStats s = stats.get(e.address());
    return s == null ? 0 : s.active.intValue();
  }
}
