package dev.outrigger.agent.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The DNS proxy's settings: on with ISTIO_META_DNS_CAPTURE=true, as Istio's agent (DNS_PROXY_ADDR,
 * Istio's name too, moves it); upstreams and search domains from resolv.conf.
 *
 * @param listen Istio's localhost:15053
 * @param upstreamTimeout per nameserver attempt (Istio's DefaultUpstreamTimeout, 5 s)
 * @param cacheSize upstream replies kept at most (0: no cache; Istio keeps none)
 */
public record DnsProxyConfig(InetSocketAddress listen, ResolvConf resolvConf, ProxyDomain proxyDomain,
    Duration upstreamTimeout, int cacheSize) {

  public static final String DNS_CAPTURE = "ISTIO_META_DNS_CAPTURE";
  public static final String DNS_PROXY_ADDR = "DNS_PROXY_ADDR";
  public static final String UPSTREAM_TIMEOUT = "OUTRIGGER_DNS_UPSTREAM_TIMEOUT";
  public static final String CACHE_SIZE = "OUTRIGGER_DNS_CACHE_SIZE";
  public static final String RESOLV_CONF = "OUTRIGGER_DNS_RESOLV_CONF";
  public static final int DEFAULT_PORT = 15053;

  /** Empty unless DNS capture is on. */
  public static Optional<DnsProxyConfig> fromEnvironment(Map<String, String> env) {
    if (!"true".equalsIgnoreCase(env.getOrDefault(DNS_CAPTURE, "false").trim())) {
      return Optional.empty();
    }
    Path resolv = Path.of(env.getOrDefault(RESOLV_CONF, ResolvConf.DEFAULT.toString()));
    ResolvConf conf;
    try {
      conf = ResolvConf.read(resolv);
    } catch (IOException e) {
      throw new UncheckedIOException("DNS capture is on but " + resolv + " cannot be read", e);
    }
    String namespace = env.getOrDefault("POD_NAMESPACE", "default");
    return Optional.of(new DnsProxyConfig(listenAddress(env.getOrDefault(DNS_PROXY_ADDR, "localhost:" + DEFAULT_PORT)),
        conf, ProxyDomain.forNamespace(namespace),
        parseDuration(env.getOrDefault(UPSTREAM_TIMEOUT, "5s")),
        Integer.parseInt(env.getOrDefault(CACHE_SIZE, "1024").trim())));
  }

  /** "localhost:15053" (Istio's form) binds 127.0.0.1; else host:port with a literal address. */
  static InetSocketAddress listenAddress(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
    int port = Integer.parseInt(hostPort.substring(colon + 1));
    return new InetSocketAddress(host.equals("localhost") || host.isEmpty() ? "127.0.0.1" : host, port);
  }

  static Duration parseDuration(String text) {
    String t = text.trim();
    if (t.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
    }
    if (t.endsWith("s")) {
      return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
    }
    return Duration.ofSeconds(Long.parseLong(t));
  }
}
