package dev.outrigger.agent.dns;

import io.netty.handler.codec.dns.DnsRecordType;
import java.net.InetAddress;

/** One record of a locally answered query: an A, AAAA or CNAME with its owner name (absolute, lower case). */
public record Answer(String name, DnsRecordType type, long ttlSeconds, InetAddress address, String target) {
  static Answer address(String name, InetAddress address) {
    DnsRecordType type = address.getAddress().length == 4 ? DnsRecordType.A : DnsRecordType.AAAA;
    return new Answer(name, type, LookupTable.TTL_SECONDS, address, null);
  }

  static Answer cname(String name, String target) {
    return new Answer(name, DnsRecordType.CNAME, LookupTable.TTL_SECONDS, null, target);
  }

  Answer renamed(String newName) {
    return new Answer(newName, type, ttlSeconds, address, target);
  }
}
