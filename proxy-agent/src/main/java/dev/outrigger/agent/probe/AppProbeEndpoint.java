package dev.outrigger.agent.probe;

import dev.outrigger.agent.http.Reply;
import dev.outrigger.agent.http.SubtreeEndpoint;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /app-health/<container>/livez|readyz|startupz} (and Istio's {@code /app-lifecycle/}
 * hooks) on the agent port: the kubelet's probe, rewritten by the injector to come here, is
 * performed against the app from inside the pod, so that it reaches an app bound to lo and is
 * not refused by STRICT mTLS. Answers as Istio's status server (handleAppProbe): the app's status
 * and body for httpGet, 200 for a 3xx, 500 when the app cannot be reached or is not SERVING, 400
 * for a path with no probe configured.
 *
 * <p>Every failed probe is logged at info (the log names the probe and the reason) and counted in
 * {@code outrigger_app_probe_failures_total{probe="<path>"}} on the agent port's metrics.
 */
public final class AppProbeEndpoint implements SubtreeEndpoint {
  /** The subtrees Istio's status server routes to its app prober. */
  public static final String HEALTH = "/app-health/";
  public static final String LIFECYCLE = "/app-lifecycle/";
  /** The label value for requests to a path with no probe (the label set stays bounded). */
  static final String UNKNOWN = "unknown";
  private static final Logger log = LoggerFactory.getLogger(AppProbeEndpoint.class);

  private final AppProbes probes;
  private final ProbeTargets targets;
  private final IntSupplier agentPort;
  private final Probers standard;
  private final Probers loopback;
  private final Counter failures;

  /** The probers for one target (they keep their connections' TLS client, so they are made once). */
  private record Probers(HttpGetProber http, TcpSocketProber tcp, GrpcHealthProber grpc) {
    static Probers to(ProbeTarget target, EventLoopGroup group) {
      return new Probers(new HttpGetProber(group, target), new TcpSocketProber(group, target),
          new GrpcHealthProber(group, target));
    }
  }

  /**
   * @param group the event loops the probes' connections run on (never blocked)
   * @param agentPort the port the kubelet calls (as bound), which Istio replaces by the app's in the Host header
   * @param agentMetrics the agent port's own registry, where the failure counter goes
   */
  public AppProbeEndpoint(AppProbes probes, ProbeTargets targets, IntSupplier agentPort, EventLoopGroup group,
      PrometheusRegistry agentMetrics) {
    this.probes = probes;
    this.targets = targets;
    this.agentPort = agentPort;
    this.standard = Probers.to(targets.standard(), group);
    this.loopback = targets.loopback().equals(targets.standard()) ? standard : Probers.to(targets.loopback(), group);
    this.failures = Counter.builder().name("outrigger_app_probe_failures_total")
        .help("App probes (ISTIO_KUBE_APP_PROBERS) the agent answered with a failure, by probe path")
        .labelNames("probe").withoutExemplars().register(agentMetrics);
    probes.byPath().keySet().forEach(failures::initLabelValues);
  }

  /** The endpoints to add to the agent port: both subtrees, as Istio registers them. */
  public Map<String, SubtreeEndpoint> subtrees() {
    return Map.of(HEALTH, this, LIFECYCLE, this);
  }

  public long failures(String probePath) {
    return (long) failures.labelValues(probePath).get();
  }

  @Override
  public CompletionStage<Reply> handleAsync(String path, HttpMethod method, HttpHeaders headers) {
    AppProbe probe = probes.byPath().get(path);
    if (probe == null) {
      failures.labelValues(UNKNOWN).inc();
      log.warn("app probe {}: no probe configured for this path in ISTIO_KUBE_APP_PROBERS (configured: {})",
          path, probes.byPath().keySet());
      return CompletableFuture.completedFuture(
          Reply.text(HttpResponseStatus.BAD_REQUEST, "app prober config does not exists for " + path));
    }
    CompletableFuture<Reply> reply;
    Probers probers = targets.forPort(probe.port()) == targets.standard() ? standard : loopback;
    if (probe instanceof AppProbe.HttpGet get) {
      reply = probers.http().probe(get, hostHeader(headers.get(HttpHeaderNames.HOST), get.port()), headers)
          .handle((answer, failure) -> failure == null ? httpReply(path, answer) : failed(path, describe(failure)));
    } else if (probe instanceof AppProbe.TcpSocket socket) {
      reply = probers.tcp().probe(socket).handle((ok, failure) -> failure == null
          ? Reply.text(HttpResponseStatus.OK, "")
          : failed(path, "tcp connect to " + HttpGetProber.hostPort(targets.forPort(socket.port()).host(), socket.port()) + " failed: "
              + describe(failure)));
    } else {
      AppProbe.Grpc check = (AppProbe.Grpc) probe;
      reply = probers.grpc().probe(check, headers.get(HttpHeaderNames.USER_AGENT)).handle((status, failure) -> {
        if (failure != null) {
          return failed(path, GrpcHealthProber.describe(unwrap(failure)));
        }
        return status == GrpcHealthProber.SERVING
            ? Reply.text(HttpResponseStatus.OK, "")
            : failed(path, "grpc health status " + status + " (not SERVING) for service '" + check.service() + "'");
      });
    }
    return reply;
  }

  private Reply httpReply(String path, HttpGetProber.Answer answer) {
    int status = answer.status();
    if (status >= 300 && status < 400) {
      // As Istio: a redirect not followed is a success, and a 3xx without Location would be illegal.
      return Reply.text(HttpResponseStatus.OK, "");
    }
    String body = new String(answer.body(), StandardCharsets.UTF_8);
    if (status >= 400) {
      countAndLog(path, answer.url() + " answered " + status);
    }
    return Reply.text(HttpResponseStatus.valueOf(status), body);
  }

  private Reply failed(String path, String reason) {
    countAndLog(path, reason);
    return Reply.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "");
  }

  private void countAndLog(String path, String reason) {
    failures.labelValues(path).inc();
    log.info("app probe {} failed: {}", path, reason);
  }

  /**
   * As Istio: the kubelet's Host, with the agent's port replaced by the app's (the kubelet sends
   * podIP:15020); a Host from the probe's httpHeaders has no port and is passed as it is.
   */
  String hostHeader(String kubeletHost, int appPort) {
    if (kubeletHost == null || kubeletHost.isEmpty()) {
      return null;
    }
    int colon = kubeletHost.lastIndexOf(':');
    if (colon < 0 || kubeletHost.indexOf(']', colon) >= 0) {
      return kubeletHost;
    }
    String host = kubeletHost.substring(0, colon);
    try {
      return Integer.parseInt(kubeletHost.substring(colon + 1)) == agentPort.getAsInt() ? host + ":" + appPort : kubeletHost;
    } catch (NumberFormatException e) {
      return kubeletHost;
    }
  }

  private String describe(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof TimeoutException) {
      return "no answer within the probe's timeout";
    }
    return cause.toString();
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }
}
