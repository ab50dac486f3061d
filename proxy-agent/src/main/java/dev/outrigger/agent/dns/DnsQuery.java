package dev.outrigger.agent.dns;

import io.netty.handler.codec.dns.DnsRecordType;

/**
 * A client's query as received: the header fields a reply echoes, the (first) question, the EDNS
 * UDP size it advertised (0 without EDNS), and its exact bytes, which are what goes upstream.
 */
public record DnsQuery(int id, boolean recursionDesired, boolean checkingDisabled, int opcode, String name,
    DnsRecordType type, int dnsClass, int ednsUdpSize, byte[] wire) {

  /** Istio's size(): TCP takes any size; UDP the advertised EDNS size, at least 512. */
  int responseLimit(Transport transport) {
    if (transport == Transport.TCP) {
      return 65535;
    }
    return Math.max(512, ednsUdpSize);
  }
}
