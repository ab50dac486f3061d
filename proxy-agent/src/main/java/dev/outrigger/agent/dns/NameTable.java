package dev.outrigger.agent.dns;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * istiod's name table (NDS, {@code istio.networking.nds.v1.NameTable}) as an immutable snapshot:
 * host name to the addresses the mesh gives it (service VIPs, ServiceEntry addresses,
 * auto-allocated addresses).
 */
public record NameTable(Map<String, NameInfo> hosts) {
  public static final NameTable EMPTY = new NameTable(Map.of());

  public NameTable {
    hosts = Map.copyOf(hosts);
  }

  /**
   * One host's entry, as nds.proto's NameInfo.
   *
   * @param registry "Kubernetes" for services, whose short names the proxy also answers
   * @param shortname the Kubernetes service name (registry Kubernetes only)
   * @param namespace the Kubernetes namespace (registry Kubernetes only)
   * @param altHosts deprecated in Istio, still honoured as extra names
   */
  public record NameInfo(List<InetAddress> ips, String registry, String shortname, String namespace, List<String> altHosts) {
    public NameInfo {
      ips = List.copyOf(ips);
      altHosts = List.copyOf(altHosts);
    }

    public static NameInfo serviceEntry(List<InetAddress> ips) {
      return new NameInfo(ips, "External", "", "", List.of());
    }

    public static NameInfo kubernetes(List<InetAddress> ips, String shortname, String namespace) {
      return new NameInfo(ips, "Kubernetes", shortname, namespace, List.of());
    }
  }
}
