package dev.outrigger.agent.dns;

import java.util.Arrays;
import java.util.List;

/**
 * The proxy's own namespace and DNS domain, which decide the short names of Kubernetes services
 * ("reviews", "reviews.default", "reviews.default.svc"), as pilot-agent derives them: the domain
 * is {@code <namespace>.svc.cluster.local} and its leading namespace label is dropped.
 */
public record ProxyDomain(String namespace, String domain, List<String> domainParts) {
  public ProxyDomain {
    domainParts = List.copyOf(domainParts);
  }

  /** @param proxyDomain e.g. "default.svc.cluster.local" */
  public static ProxyDomain of(String namespace, String proxyDomain) {
    List<String> parts = Arrays.asList(proxyDomain.split("\\."));
    if (!parts.isEmpty() && parts.get(0).equals(namespace)) {
      parts = parts.subList(1, parts.size());
    }
    return new ProxyDomain(namespace, String.join(".", parts), parts);
  }

  public static ProxyDomain forNamespace(String namespace) {
    return of(namespace, namespace + ".svc.cluster.local");
  }
}
