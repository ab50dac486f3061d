package dev.outrigger.agent.dns;

import io.netty.handler.codec.dns.DnsRecordType;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The names the proxy answers itself, built once per name table (Istio's LookupTable in
 * pkg/dns/client/dns.go): every host as an absolute name; for Kubernetes services in the proxy's
 * domain also "name.namespace.", "name.namespace.svc." and, in the proxy's own namespace, "name.";
 * each of those with the first search domain appended answers with a CNAME to it (what a resolver
 * asks first for a short name); "*.example.com" hosts answer every name under them.
 */
public final class LookupTable {
  /** Istio's defaultTTLInSeconds. */
  static final long TTL_SECONDS = 30;
  private static final String KUBERNETES = "Kubernetes";

  private final Set<String> allHosts = new HashSet<>();
  private final Map<String, List<InetAddress>> ipv4 = new HashMap<>();
  private final Map<String, List<InetAddress>> ipv6 = new HashMap<>();
  private final Map<String, String> cnames = new HashMap<>();

  private LookupTable() {
  }

  public static LookupTable build(NameTable table, ProxyDomain proxy, List<String> searchDomains) {
    LookupTable lookup = new LookupTable();
    table.hosts().forEach((hostname, info) -> {
      Set<String> names = info.registry().equals(KUBERNETES) ? kubernetesNames(hostname, info, proxy) : Set.of(absolute(hostname));
      List<InetAddress> v4 = info.ips().stream().filter(a -> a.getAddress().length == 4).toList();
      List<InetAddress> v6 = info.ips().stream().filter(a -> a.getAddress().length == 16).toList();
      if (!v4.isEmpty() || !v6.isEmpty()) {
        lookup.add(names, v4, v6, searchDomains);
      }
    });
    return lookup;
  }

  public int size() {
    return allHosts.size();
  }

  /**
   * The answer for an A or AAAA question about a known name (possibly no records: the name exists
   * without addresses of that family); empty when the name is not ours or the type is another
   * one, and the query goes upstream.
   */
  public Optional<List<Answer>> lookup(DnsRecordType type, String questionName) {
    String question = questionName.toLowerCase(Locale.ROOT);
    String hostname = question;
    boolean wildcard = false;
    boolean found = allHosts.contains(hostname);
    if (!found) {
      String[] labels = hostname.split("\\.");
      for (int i = 0; i < labels.length && !found; i++) {
        String candidate = "*." + String.join(".", List.of(labels).subList(i + 1, labels.length)) + ".";
        if (allHosts.contains(candidate)) {
          found = true;
          wildcard = true;
          hostname = candidate;
        }
      }
    }
    if (!found) {
      return Optional.empty();
    }
    List<Answer> out = new ArrayList<>();
    String target = cnames.get(hostname);
    if (target != null) {
      out.add(Answer.cname(question, target));
      hostname = target;
    }
    List<InetAddress> addresses;
    if (type.equals(DnsRecordType.A)) {
      addresses = ipv4.getOrDefault(hostname, List.of());
    } else if (type.equals(DnsRecordType.AAAA)) {
      addresses = ipv6.getOrDefault(hostname, List.of());
    } else {
      return Optional.empty();
    }
    if (addresses.isEmpty()) {
      return Optional.of(List.of()); // the name is ours: no data of this type, not a miss
    }
    // A wildcard answers under the asked name (or the CNAME's target when there was one).
    String owner = wildcard ? (target != null ? hostname : question) : hostname;
    for (InetAddress address : addresses) {
      out.add(Answer.address(owner, address));
    }
    return Optional.of(List.copyOf(out));
  }

  private void add(Set<String> names, List<InetAddress> v4, List<InetAddress> v6, List<String> searchDomains) {
    for (String raw : names) {
      String name = raw.toLowerCase(Locale.ROOT);
      allHosts.add(name);
      if (!v4.isEmpty()) {
        ipv4.put(name, v4);
      }
      if (!v6.isEmpty()) {
        ipv6.put(name, v6);
      }
      if (!searchDomains.isEmpty()) {
        String first = searchDomains.get(0);
        String suffix = first.endsWith(".") ? first : first + ".";
        if (!name.endsWith(suffix)) {
          String expanded = (name + first).toLowerCase(Locale.ROOT) + (first.endsWith(".") ? "" : ".");
          if (!names.contains(expanded)) {
            cnames.put(expanded, name);
            allHosts.add(expanded);
          }
        }
      }
    }
  }

  /** Istio's generateAltHosts: the names of a Kubernetes service as the proxy's pod may ask them. */
  private static Set<String> kubernetesNames(String hostname, NameTable.NameInfo info, ProxyDomain proxy) {
    Set<String> out = new LinkedHashSet<>();
    if (hostname.endsWith(".")) {
      return out;
    }
    out.add(hostname + ".");
    if (proxy.domain().isEmpty() || !hostname.endsWith(proxy.domain())) {
      return out;
    }
    out.add(info.shortname() + "." + info.namespace() + ".");
    if (proxy.namespace().equals(info.namespace())) {
      out.add(info.shortname() + ".");
    }
    out.add(info.shortname() + "." + info.namespace() + "." + proxy.domainParts().get(0) + ".");
    for (String alt : info.altHosts()) {
      out.add(alt + ".");
    }
    return out;
  }

  private static String absolute(String hostname) {
    return hostname.endsWith(".") ? hostname : hostname + ".";
  }
}
