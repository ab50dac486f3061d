package dev.outrigger.agent.probe;

import dev.outrigger.agent.ConfigException;
import dev.outrigger.agent.GoBool;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;

/**
 * Where the agent sends the app's probes, and from where, as Istio's status server decides.
 *
 * <p>Destination: the pod IP (INSTANCE_IP), matching the kubelet, which probes the pod IP; with
 * REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION=true, "localhost" (Istio before 1.10 probed there).
 *
 * <p>Source: 127.0.0.6 (::6 for an IPv6 pod), Istio's inbound passthrough address. The agent runs
 * as the proxy's uid, whose connections to the pod IP over lo the init rules would send to the
 * inbound capture port; "-A ISTIO_OUTPUT -s 127.0.0.6/32 -o lo -j RETURN" comes first and lets
 * them straight through to the app.
 *
 * @param host the name in the probe's URL (the pod IP, or "localhost"): redirects are followed
 *     only to it, as Istio's redirect checker does
 * @param destination the address dialled
 * @param source the address bound before dialling
 */
public record ProbeTarget(String host, InetAddress destination, InetAddress source) {
  public static final String INSTANCE_IP = "INSTANCE_IP";
  public static final String LEGACY_LOCALHOST = "REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION";

  public static ProbeTarget fromEnvironment(Map<String, String> env) {
    String podIp = env.getOrDefault(INSTANCE_IP, "").trim();
    InetAddress pod = podIp.isEmpty() ? null : literal(INSTANCE_IP, podIp);
    // As Istio: an IPv6 pod IP that is not link-local makes the pod an IPv6 one (::1 and ::6).
    boolean ipv6 = pod instanceof Inet6Address && !pod.isLinkLocalAddress();
    InetAddress source = literal("source", ipv6 ? "::6" : "127.0.0.6");
    // Without a pod IP Istio's agent dials an empty host, which is this host: loopback.
    if (pod == null || legacyLocalhost(env.get(LEGACY_LOCALHOST))) {
      return onLocalhost(source);
    }
    return new ProbeTarget(podIp, pod, source);
  }

  /** The same source, probing localhost of its family (::1 for an IPv6 pod, as its source is ::6). */
  public ProbeTarget onLocalhost() {
    return onLocalhost(source);
  }

  private static ProbeTarget onLocalhost(InetAddress source) {
    return new ProbeTarget("localhost", literal("localhost", source instanceof Inet6Address ? "::1" : "127.0.0.1"), source);
  }

  /** Read as Istio's env.Register reads it (Go's ParseBool); unset or blank is false. */
  private static boolean legacyLocalhost(String raw) {
    if (raw == null || raw.isBlank()) {
      return false;
    }
    Boolean parsed = GoBool.parse(raw.trim());
    if (parsed == null) {
      throw new ConfigException(LEGACY_LOCALHOST + "='" + raw + "' (expected: true or false)");
    }
    return parsed;
  }

  private static InetAddress literal(String key, String ip) {
    // Only literals: InetAddress.getByName would resolve a name, and a pod IP is never one.
    if (!ip.matches("[0-9a-fA-F:.]+") || ip.toLowerCase(Locale.ROOT).equals(".")) {
      throw new ConfigException(key + "='" + ip + "' (expected: an IP address)");
    }
    try {
      return InetAddress.getByName(ip);
    } catch (UnknownHostException e) {
      throw new ConfigException(key + "='" + ip + "' (expected: an IP address)");
    }
  }
}
