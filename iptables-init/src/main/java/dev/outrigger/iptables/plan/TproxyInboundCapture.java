package dev.outrigger.iptables.plan;

import static dev.outrigger.iptables.plan.Chains.ISTIO_INBOUND;
import static dev.outrigger.iptables.plan.Chains.OUTPUT;
import static dev.outrigger.iptables.plan.Chains.PREROUTING;

import dev.outrigger.iptables.config.CaptureConfig;
import dev.outrigger.iptables.net.Family;
import dev.outrigger.iptables.net.InterfaceName;
import dev.outrigger.iptables.net.Port;

/**
 * Inbound capture with mangle TPROXY (istio-iptables -m TPROXY): new inbound connections are
 * diverted to the proxy's transparent inbound listener with their addresses kept; packets of
 * established ones are marked 1337 so that the policy route ({@link TproxyRoutes}) delivers them
 * locally. The proxy's connections to the app carry mark 1337 (SO_MARK), which is saved on the
 * connection and restored on the app's replies, so those too are routed back over lo to the proxy.
 *
 * <p>Rules in istio-iptables' order, written as iptables -S prints them (1337 = 0x539, 1338 = 0x53a).
 * The nat table keeps only the tunnel-port RETURN in ISTIO_INBOUND; outbound stays nat REDIRECT.
 *
 * <p>One rule is Outrigger's own, not istio-iptables': {@code -I ISTIO_OUTPUT 1 -p tcp -m mark --mark
 * 0x539 -j RETURN} in nat. The proxy's connection to the app (from the client's address, over lo, as
 * uid/gid 1337) otherwise matches ISTIO_OUTPUT's {@code -o lo ! -d 127.0.0.1/32 -m owner --uid-owner
 * 1337 -j ISTIO_IN_REDIRECT} and is redirected to 127.0.0.1:15006, where its SYN is never answered
 * (seen in a netns: the app is never reached). Only the proxy marks connections 1337 (SO_MARK).
 */
final class TproxyInboundCapture implements InboundCapture {
  /** Istio's InboundTProxyMark (default of -t/--istio-inbound-tproxy-mark). */
  static final int TPROXY_MARK = 1337;
  /** Istio's OutboundMark: the proxy's own calls to its pod IP over lo, which are captured inbound. */
  static final int OUTBOUND_MARK = 1338;
  static final String ISTIO_DIVERT = "ISTIO_DIVERT";
  static final String ISTIO_TPROXY = "ISTIO_TPROXY";
  private static final Port SSH = new Port(22);
  private static final String ALL_BITS = "0xffffffff";

  @Override
  public void addRules(CaptureConfig config, RuleList rules) {
    Family family = rules.family();
    for (InterfaceName nic : config.excludeInterfaces()) {
      rules.mangle(PREROUTING, "-i " + nic + " -j RETURN", "traffic arriving on excluded interface " + nic + " is not captured", Trace.EXCLUDE_INTERFACE);
      rules.mangle(OUTPUT, "-o " + nic + " -j RETURN", "traffic leaving on excluded interface " + nic + " is not captured", Trace.EXCLUDE_INTERFACE);
    }
    rules.nat(ISTIO_INBOUND, Specs.tcpPort(config.inboundTunnelPort()) + " -j RETURN",
        "the inbound tunnel (HBONE) port reaches the proxy directly");
    rules.natAtTop(Chains.ISTIO_OUTPUT, "-p tcp -m mark --mark " + hex(TPROXY_MARK) + " -j RETURN",
        "the proxy's transparent connections to the app (SO_MARK 1337) are not redirected back to it");
    // Loop guards first: istio-iptables inserts them at positions 1-3 of ISTIO_INBOUND last of all.
    rules.mangle(ISTIO_INBOUND, "-p tcp -m mark --mark " + hex(TPROXY_MARK) + " -j RETURN",
        "the proxy's own connections to the app (SO_MARK 1337) are not diverted again");
    rules.mangle(ISTIO_INBOUND, "-s " + family.inboundPassthrough() + " -i lo -p tcp -j RETURN",
        "the proxy's connections from the passthrough address to the app are not diverted");
    rules.mangle(ISTIO_INBOUND, "-i lo -p tcp -m mark ! --mark " + hex(OUTBOUND_MARK) + " -j RETURN",
        "the app talking to itself over lo is not diverted; the proxy's calls to its pod IP (1338) are");
    if (!config.inboundPorts().none()) {
      rules.mangle(ISTIO_DIVERT, "-j MARK --set-xmark " + hex(TPROXY_MARK) + "/" + ALL_BITS,
          "mark packets of diverted connections for the policy route to lo");
      rules.mangle(ISTIO_DIVERT, "-j ACCEPT", "and accept them as they are");
      rules.mangle(ISTIO_TPROXY, "! -d " + family.loopback() + " -p tcp -j TPROXY --on-port " + config.inboundCapturePort()
              + " --on-ip " + (family == Family.IPV6 ? "::" : "0.0.0.0") + " --tproxy-mark " + hex(TPROXY_MARK) + "/" + ALL_BITS,
          "new inbound connections go to the transparent inbound listener, addresses kept");
      rules.mangle(PREROUTING, "-p tcp -j " + ISTIO_INBOUND, "send inbound TCP through the inbound capture chain", Trace.JUMP_INBOUND);
      if (config.inboundPorts().all()) {
        if (config.rulesVersion().sshInboundReturn()) {
          rules.mangle(ISTIO_INBOUND, Specs.tcpPort(SSH) + " -j RETURN", "never capture ssh, so a broken proxy cannot lock out the node", Trace.EXCLUDE_INBOUND_PORT);
        }
        for (Port port : config.inboundExcludePorts()) {
          rules.mangle(ISTIO_INBOUND, Specs.tcpPort(port) + " -j RETURN", "inbound port " + port + " is excluded", Trace.EXCLUDE_INBOUND_PORT);
        }
        rules.mangle(ISTIO_INBOUND, "-p tcp -m conntrack --ctstate RELATED,ESTABLISHED -j " + ISTIO_DIVERT,
            "packets of connections already diverted");
        rules.mangle(ISTIO_INBOUND, "-p tcp -j " + ISTIO_TPROXY, "every other inbound port goes to the proxy");
      } else {
        for (Port port : config.inboundPorts().ports()) {
          rules.mangle(ISTIO_INBOUND, Specs.tcpPort(port) + " -m conntrack --ctstate RELATED,ESTABLISHED -j " + ISTIO_DIVERT,
              "packets of connections to port " + port + " already diverted", Trace.INCLUDE_INBOUND_PORT);
          rules.mangle(ISTIO_INBOUND, Specs.tcpPort(port) + " -j " + ISTIO_TPROXY, "inbound port " + port + " is captured", Trace.INCLUDE_INBOUND_PORT);
        }
      }
    }
    rules.mangle(PREROUTING, "-p tcp -m mark --mark " + hex(TPROXY_MARK) + " -j CONNMARK --save-mark --nfmask "
        + ALL_BITS + " --ctmask " + ALL_BITS, "remember the mark on the connection");
    rules.mangle(OUTPUT, "-o lo -p tcp -m mark --mark " + hex(TPROXY_MARK) + " -j RETURN",
        "the proxy's connections to the app keep their mark");
    for (Long uid : config.proxyUids().ids()) {
      rules.mangle(OUTPUT, outboundMark("--uid-owner " + uid, family), "the proxy's calls to its pod IP are captured inbound");
    }
    for (Long gid : config.proxyGids().ids()) {
      rules.mangle(OUTPUT, outboundMark("--gid-owner " + gid, family), "the proxy's calls to its pod IP are captured inbound");
    }
    rules.mangle(OUTPUT, "-p tcp -m connmark --mark " + hex(TPROXY_MARK) + " -j CONNMARK --restore-mark --nfmask "
        + ALL_BITS + " --ctmask " + ALL_BITS, "the app's replies to a diverted client take the policy route back to the proxy");
  }

  private static String outboundMark(String owner, Family family) {
    return "! -d " + family.loopback() + " -o lo -p tcp -m owner " + owner + " -j MARK --set-xmark "
        + hex(OUTBOUND_MARK) + "/" + ALL_BITS;
  }

  private static String hex(int mark) {
    return "0x" + Integer.toHexString(mark);
  }
}
