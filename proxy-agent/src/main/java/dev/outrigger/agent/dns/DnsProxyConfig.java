package dev.outrigger.agent.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The DNS proxy's settings: on with ISTIO_META_DNS_CAPTURE=true, as Istio's agent (DNS_PROXY_ADDR,
 * Istio's name too, moves it); upstreams and search domains from resolv.conf.
 *
 * @param listen where it listens (UDP and TCP each): Istio's localhost:15053, see {@link #listenAddresses}
 * @param upstreamTimeout per nameserver attempt (Istio's DefaultUpstreamTimeout, 5 s)
 * @param cacheSize upstream replies kept at most (0: no cache; Istio keeps none)
 */
public record DnsProxyConfig(List<InetSocketAddress> listen, ResolvConf resolvConf, ProxyDomain proxyDomain,
    Duration upstreamTimeout, int cacheSize) {

  public DnsProxyConfig {
    listen = List.copyOf(listen);
    if (listen.isEmpty()) {
      throw new IllegalArgumentException("the DNS proxy needs an address to listen on");
    }
  }

  public static final String DNS_CAPTURE = "ISTIO_META_DNS_CAPTURE";
  public static final String DNS_PROXY_ADDR = "DNS_PROXY_ADDR";
  public static final String UPSTREAM_TIMEOUT = "OUTRIGGER_DNS_UPSTREAM_TIMEOUT";
  public static final String CACHE_SIZE = "OUTRIGGER_DNS_CACHE_SIZE";
  public static final String RESOLV_CONF = "OUTRIGGER_DNS_RESOLV_CONF";
  public static final int DEFAULT_PORT = 15053;
  private static final InetAddress IPV6_LOOPBACK = ipv6Loopback();

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
    return Optional.of(new DnsProxyConfig(
        listenAddresses(env.getOrDefault(DNS_PROXY_ADDR, "localhost:" + DEFAULT_PORT), conf.nameservers()), conf, ProxyDomain.forNamespace(namespace),
        parseDuration(env.getOrDefault(UPSTREAM_TIMEOUT, "5s")),
        Integer.parseInt(env.getOrDefault(CACHE_SIZE, "1024").trim())));
  }

  /**
   * Where the proxy listens, as Istio's agent decides (pkg/dns/client/dns.go, NewLocalDNSServer):
   * "localhost:PORT" is 127.0.0.1:PORT when resolv.conf names an IPv4 nameserver and [::1]:PORT
   * when it names an IPv6 one (both in a dual-stack pod: the capture rules send each family's
   * queries to its own loopback), 127.0.0.1 when it names none; host:port with a literal address
   * is that address alone.
   */
  static List<InetSocketAddress> listenAddresses(String hostPort, List<InetSocketAddress> nameservers) {
    int colon = hostPort.lastIndexOf(':');
    String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
    int port = Integer.parseInt(hostPort.substring(colon + 1));
    if (!host.equals("localhost") && !host.isEmpty()) {
      return List.of(new InetSocketAddress(host, port));
    }
    boolean v4 = nameservers.stream().anyMatch(n -> n.getAddress() instanceof Inet4Address);
    boolean v6 = nameservers.stream().anyMatch(n -> n.getAddress() instanceof Inet6Address);
    List<InetSocketAddress> addresses = new ArrayList<>();
    if (v4 || !v6) {
      addresses.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }
    if (v6) {
      addresses.add(new InetSocketAddress(IPV6_LOOPBACK, port));
    }
    return addresses;
  }

  private static InetAddress ipv6Loopback() {
    try {
      return InetAddress.getByAddress("localhost", new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError("a literal address always resolves", e);
    }
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
