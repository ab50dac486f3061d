package dev.outrigger.iptables.config;

import dev.outrigger.iptables.net.Cidr;
import dev.outrigger.iptables.net.Family;
import java.util.List;

/**
 * --redirect-dns / --capture-all-dns and the nameservers they apply to: the pod's DNS (UDP and TCP
 * port 53) goes to the agent's DNS proxy on {@link #AGENT_PORT}, except the proxy's own queries.
 *
 * @param enabled whether any DNS rule is written (see {@link RulesVersion#dnsCaptureNeedsNameservers()})
 * @param captureAll every destination's port 53 is captured, not only the nameservers'
 * @param nameservers resolv.conf's nameservers as host ranges (/32, /128), in file order; empty with captureAll
 */
public record DnsCapture(boolean enabled, boolean captureAll, List<Cidr> nameservers) {
  /** istio-agent's DNS listener (constants.IstioAgentDNSListenerPort), fixed in every release. */
  public static final String AGENT_PORT = "15053";
  public static final String DNS_PORT = "53";
  public static final DnsCapture OFF = new DnsCapture(false, false, List.of());

  public DnsCapture {
    nameservers = List.copyOf(nameservers);
  }

  public List<Cidr> nameservers(Family family) {
    return nameservers.stream().filter(server -> server.family() == family).toList();
  }

  /** Whether port 53 of this family's traffic is redirected at all: every destination, or some nameserver of the family. */
  public boolean redirects(Family family) {
    return enabled && (captureAll || !nameservers(family).isEmpty());
  }
}
