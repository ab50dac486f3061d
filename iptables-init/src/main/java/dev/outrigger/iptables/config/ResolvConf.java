package dev.outrigger.iptables.config;

import dev.outrigger.iptables.net.Cidr;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nameservers of a resolv.conf, read as istio-iptables reads them: miekg/dns'
 * ClientConfigFromFile takes the second field of every line whose first field is "nameserver",
 * and Istio then keeps the entries that parse as IP addresses (netutil.IPsSplitV4V6), split by family.
 */
public final class ResolvConf {
  private static final Logger log = LoggerFactory.getLogger(ResolvConf.class);
  private static final Pattern FIELDS = Pattern.compile("\\s+");

  private ResolvConf() {}

  /** The nameserver addresses as host ranges, in file order; entries that are not IP literals are skipped. */
  public static List<Cidr> nameservers(String text) {
    List<Cidr> servers = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] fields = FIELDS.split(line.strip());
      if (fields.length < 2 || !fields[0].equals("nameserver")) {
        continue;
      }
      String address = fields[1];
      try {
        servers.add(Cidr.parse(address + (address.contains(":") ? "/128" : "/32")));
      } catch (IllegalArgumentException e) {
        // As Istio: an entry that is not an IP address gets no rule (it cannot be matched by address).
        log.warn("resolv.conf nameserver '{}' is not an IP address; its DNS traffic is not captured", address);
      }
    }
    return List.copyOf(servers);
  }
}
