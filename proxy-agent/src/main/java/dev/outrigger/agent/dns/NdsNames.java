package dev.outrigger.agent.dns;

import dev.outrigger.core.log.RateLimitedLog;
import dev.outrigger.xds.nds.NameTables;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** istiod's NDS entries as the DNS proxy's {@link NameTable}; an address that is not an IP literal is skipped. */
public final class NdsNames {
  private static final RateLimitedLog warnings = new RateLimitedLog(NdsNames.class.getName(), Duration.ofSeconds(10), "NDS");

  private NdsNames() {
  }

  public static NameTable toNameTable(Map<String, NameTables.NameEntry> hosts) {
    Map<String, NameTable.NameInfo> out = new HashMap<>();
    hosts.forEach((host, e) -> {
      List<InetAddress> ips = new ArrayList<>();
      for (String ip : e.ips()) {
        if (ip.matches("[0-9a-fA-F:.]+")) {
          try {
            ips.add(InetAddress.getByName(ip)); // a literal: no lookup
            continue;
          } catch (java.net.UnknownHostException ignored) {
            // falls through to the warning
          }
        }
        warnings.warn("NDS: host {} has an address that is not an IP: {}", host, ip);
      }
      out.put(host, new NameTable.NameInfo(ips, e.registry(), e.shortname(), e.namespace(), e.altHosts()));
    });
    return new NameTable(out);
  }
}
