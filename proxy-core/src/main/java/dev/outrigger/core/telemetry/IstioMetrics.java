package dev.outrigger.core.telemetry;

import dev.outrigger.core.Direction;
import dev.outrigger.core.log.AccessLogEntry;
import dev.outrigger.core.log.ConnectionRecord;
import dev.outrigger.core.log.ResponseFlag;
import dev.outrigger.core.peer.MeshPeer;
import dev.outrigger.core.peer.MetadataExchange;
import io.netty.channel.EventLoop;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Istio's standard metrics (istio.io "Istio Standard Metrics"; istio/proxy istio_stats) from what the
 * data path reports. Each distinct label set is built once: a request costs one map lookup of a small
 * key and the increments of its cached series.
 *
 * <p>TCP connections are reported as Istio's sidecar reports them without metadata exchange: the
 * label set is fixed at the first report, when the opening, the bytes so far and, at the end, the
 * close are counted. The first report is the close, or, where the data path passes the live record
 * ({@link Telemetry#tcpOpened(Direction, ConnectionRecord, EventLoop)}), the first periodic report.
 */
public final class IstioMetrics implements Telemetry {
  private static final Logger log = LoggerFactory.getLogger(IstioMetrics.class);

  /** Envoy's default histogram buckets, which Istio's histograms use unless a pod overrides them. */
  static final double[] BUCKETS = {
      0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000};
  /** Label sets beyond this many (per kind) lose their destination and peer, so that memory stays bounded. */
  public static final int DEFAULT_MAX_SERIES = 10_000;

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final IstioLabels labels;
  private final Duration tcpReportingInterval;
  private final int maxSeries;
  private volatile EndpointDirectory endpoints = EndpointDirectory.NONE;
  private final MetadataExchange exchange;

  private final Counter requestsTotal = counter("istio_requests_total", "Requests handled by the proxy", IstioLabels.HTTP_NAMES);
  private final Histogram requestDuration = histogram("istio_request_duration_milliseconds", "Request durations");
  private final Histogram requestSize = histogram("istio_request_bytes", "Request body sizes");
  private final Histogram responseSize = histogram("istio_response_bytes", "Response body sizes");
  private final Counter tcpSentBytes = counter("istio_tcp_sent_bytes_total", "Bytes sent to clients on TCP connections",
      IstioLabels.TCP_NAMES);
  private final Counter tcpReceivedBytes = counter("istio_tcp_received_bytes_total",
      "Bytes received from clients on TCP connections", IstioLabels.TCP_NAMES);
  private final Counter tcpConnectionsOpened = counter("istio_tcp_connections_opened_total", "TCP connections opened",
      IstioLabels.TCP_NAMES);
  private final Counter tcpConnectionsClosed = counter("istio_tcp_connections_closed_total", "TCP connections closed",
      IstioLabels.TCP_NAMES);
  private final Counter overflow = counter("outrigger_metrics_series_overflow_total",
      "Reports counted without their destination because the series limit was reached");

  private final Map<SeriesKey, HttpSeries> httpSeries = new ConcurrentHashMap<>();
  private final Map<SeriesKey, TcpSeries> tcpSeries = new ConcurrentHashMap<>();
  private final Map<ConnectionKey, LiveConnection> live = new ConcurrentHashMap<>();
  private volatile boolean overflowLogged;

  /**
   * @param self this pod, the own side of every series
   * @param tcpReportingInterval how often open TCP connections report their bytes (Istio: 5s); zero
   *     reports them only when they close
   */
  public IstioMetrics(WorkloadIdentity self, Duration tcpReportingInterval, int maxSeries) {
    this.labels = new IstioLabels(self);
    this.tcpReportingInterval = tcpReportingInterval;
    this.maxSeries = maxSeries;
    this.exchange = self.node() == null ? MetadataExchange.OFF : MetadataExchange.of(self.node());
    CounterWithCallback.builder().name("outrigger_peer_metadata_invalid_total")
        .help("x-envoy-peer-metadata values that could not be read (not base64 or not a protobuf Struct)")
        .callback(c -> c.call(exchange.invalid())).register(registry);
  }

  /** This pod's node in Istio's HTTP metadata exchange, when it has one (a control plane). */
  @Override
  public MetadataExchange metadataExchange() {
    return exchange;
  }

  public IstioMetrics(WorkloadIdentity self, Duration tcpReportingInterval) {
    this(self, tcpReportingInterval, DEFAULT_MAX_SERIES);
  }

  /** What a scrape collects. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** Where service clusters' endpoint metadata is looked up (the cluster manager, once xDS runs). */
  public void endpoints(EndpointDirectory directory) {
    this.endpoints = directory;
  }

  /** The mesh's name for an outbound destination, when its cluster is a service's. */
  private Optional<MeshDestination> meshDestination(AccessLogEntry e) {
    return meshDestination(e.direction(), e.upstreamCluster(), e.upstreamHost());
  }

  private Optional<MeshDestination> meshDestination(Direction direction, String cluster, InetSocketAddress host) {
    if (direction != Direction.OUTBOUND || cluster == null) {
      return Optional.empty();
    }
    // Only clusters the mesh configuration has: passthrough names keep the authority-based labels.
    return endpoints.metadata(cluster, host).flatMap(metadata -> MeshDestination.of(cluster, metadata));
  }

  @Override
  public void httpRequest(AccessLogEntry e) {
    Object destination = meshDestination(e).map(Object.class::cast).orElseGet(() ->
        e.direction() == Direction.OUTBOUND && e.authority() != null && !e.authority().isEmpty()
            ? e.authority() : e.downstreamLocalAddress());
    HttpSeries s = series(httpSeries, new SeriesKey(e.direction(), destination, e.peer(), e.responseCode(), flags(e)),
        k -> new HttpSeries(labels.http(k.direction(), k.destination(), k.peer(), k.responseCode(), k.flags())));
    s.requests.inc();
    s.duration.observe(Math.max(0, e.durationMillis()));
    s.requestBytes.observe(e.bytesReceived());
    s.responseBytes.observe(e.bytesSent());
  }

  /** Without the live record there is nothing to report until the close. */
  @Override
  public void tcpOpened(Direction direction, InetSocketAddress originalDestination) {}

  @Override
  public void tcpOpened(Direction direction, ConnectionRecord record, EventLoop loop) {
    if (tcpReportingInterval.isZero()) {
      return;
    }
    LiveConnection c = new LiveConnection(direction, record);
    long every = tcpReportingInterval.toMillis();
    c.timer = loop.scheduleAtFixedRate(() -> report(c, null), every, every, TimeUnit.MILLISECONDS);
    live.put(new ConnectionKey(direction, record.downstreamRemote(), record.originalDestination()), c);
  }

  @Override
  public void tcpClosed(AccessLogEntry e) {
    LiveConnection c = live.remove(new ConnectionKey(e.direction(), e.downstreamRemoteAddress(),
        e.downstreamLocalAddress()));
    if (c == null) {
      c = new LiveConnection(e.direction(), null);
    } else {
      c.timer.cancel(false);
    }
    report(c, e);
  }

  /**
   * Counts what {@code c} carried since its last report; {@code end} is its access-log entry at the
   * close, null for a periodic report. Runs on the connection's event loop, as tcpClosed does.
   */
  private void report(LiveConnection c, AccessLogEntry end) {
    if (c.series == null) {
      Object destination = end != null
          ? meshDestination(end).map(Object.class::cast).orElse(end.downstreamLocalAddress())
          : meshDestination(c.direction, c.record.cluster(), c.record.upstreamHost()).map(Object.class::cast)
              .orElse(c.record.originalDestination());
      String flags = end != null ? flags(end) : ResponseFlag.NONE.code();
      MeshPeer peer = end != null ? end.peer() : c.record.tlsPeer(c.direction);
      c.series = series(tcpSeries, new SeriesKey(c.direction, destination, peer, 0, flags),
          k -> new TcpSeries(labels.tcp(k.direction(), k.destination(), k.peer(), k.flags())));
      c.series.opened.inc();
    }
    long received = end != null ? end.bytesReceived() : c.record.bytesReceived();
    long sent = end != null ? end.bytesSent() : c.record.bytesSent();
    c.series.received.inc(received - c.reportedReceived);
    c.series.sent.inc(sent - c.reportedSent);
    c.reportedReceived = received;
    c.reportedSent = sent;
    if (end != null) {
      c.series.closed.inc();
    }
  }

  private <S> S series(Map<SeriesKey, S> all, SeriesKey key, Function<SeriesKey, S> create) {
    S s = all.get(key);
    if (s != null) {
      return s;
    }
    if (all.size() >= maxSeries) {
      overflow.inc();
      if (!overflowLogged) {
        overflowLogged = true;
        log.warn("more than {} metric label sets: further destinations and peers are reported as unknown", maxSeries);
      }
      key = new SeriesKey(key.direction(), IstioLabels.OVERFLOW, MeshPeer.NONE, key.responseCode(), key.flags());
    }
    return all.computeIfAbsent(key, create);
  }

  private static String flags(AccessLogEntry e) {
    String f = e.responseFlags();
    return f == null || f.isEmpty() ? ResponseFlag.NONE.code() : f;
  }

  private Counter counter(String name, String help, String... labelNames) {
    return Counter.builder().name(name).help(help).labelNames(labelNames).withoutExemplars().register(registry);
  }

  private Histogram histogram(String name, String help) {
    return Histogram.builder().name(name).help(help).labelNames(IstioLabels.HTTP_NAMES)
        .classicOnly().classicUpperBounds(BUCKETS).withoutExemplars().register(registry);
  }

  /**
   * One label set; {@code destination} is a {@link MeshDestination}, an authority, an ip:port or
   * {@link IstioLabels#OVERFLOW}; {@code peer} what is known of the other end.
   */
  private record SeriesKey(Direction direction, Object destination, MeshPeer peer, int responseCode, String flags) {}

  /** An open connection, told apart from the others by its client and original destination. */
  private record ConnectionKey(Direction direction, InetSocketAddress client, InetSocketAddress destination) {}

  private final class HttpSeries {
    final CounterDataPoint requests;
    final DistributionDataPoint duration;
    final DistributionDataPoint requestBytes;
    final DistributionDataPoint responseBytes;

    HttpSeries(String[] values) {
      requests = requestsTotal.labelValues(values);
      duration = requestDuration.labelValues(values);
      requestBytes = requestSize.labelValues(values);
      responseBytes = responseSize.labelValues(values);
    }
  }

  private final class TcpSeries {
    final CounterDataPoint opened;
    final CounterDataPoint closed;
    final CounterDataPoint sent;
    final CounterDataPoint received;

    TcpSeries(String[] values) {
      opened = tcpConnectionsOpened.labelValues(values);
      closed = tcpConnectionsClosed.labelValues(values);
      sent = tcpSentBytes.labelValues(values);
      received = tcpReceivedBytes.labelValues(values);
    }
  }

  /** Reporting state of one TCP connection; used on its event loop only. */
  private static final class LiveConnection {
    final Direction direction;
    final ConnectionRecord record;
    ScheduledFuture<?> timer;
    TcpSeries series;
    long reportedReceived;
    long reportedSent;

    LiveConnection(Direction direction, ConnectionRecord record) {
      this.direction = direction;
      this.record = record;
    }
  }
}
