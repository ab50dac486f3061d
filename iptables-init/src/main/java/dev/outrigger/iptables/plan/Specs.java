package dev.outrigger.iptables.plan;

import dev.outrigger.iptables.net.Port;

/** Rule fragments in the canonical form iptables prints ("-p tcp -m tcp --dport 80"). */
final class Specs {
  private Specs() {}

  static String tcpPort(Port port) {
    return "-p tcp -m tcp --dport " + port;
  }

  static String udpPort(Port port) {
    return "-p udp -m udp --dport " + port;
  }

  static String jump(String target) {
    return "-j " + target;
  }

  static String redirectTo(Port port) {
    return "-p tcp -j REDIRECT --to-ports " + port;
  }
}
