package dev.outrigger.iptables.plan;

import static dev.outrigger.iptables.plan.Chains.ISTIO_INBOUND;
import static dev.outrigger.iptables.plan.Chains.OUTPUT;
import static dev.outrigger.iptables.plan.Chains.PREROUTING;

import dev.outrigger.iptables.config.CaptureConfig;
import dev.outrigger.iptables.config.TproxyRouting;
import dev.outrigger.iptables.net.Cidr;
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
 * 1337 is the default of -t/--istio-inbound-tproxy-mark; 1338 is fixed, as in istio-iptables.
 * The nat table keeps only the tunnel-port RETURN in ISTIO_INBOUND; outbound stays nat REDIRECT.
 *
 * <p>The nat table needs nothing of TPROXY's own. The proxy's transparent connection to the app
 * (from the client's address, over lo, mark 1337) is kept out of ISTIO_OUTPUT's redirect by the
 * user the proxy runs as: Istio's injector runs it as uid 0, gid 1337 in TPROXY mode, so the uid
 * rules come first and {@code -o lo -m owner ! --uid-owner 1337 -j RETURN} returns it before the gid
 * rule {@code -o lo ! -d 127.0.0.1/32 -m owner --gid-owner 1337 -j ISTIO_IN_REDIRECT} is reached.
 * (A proxy run as uid 1337 in TPROXY mode would be redirected back to 15006; Envoy would be too.)
 */
final class TproxyInboundCapture implements InboundCapture {
  static final String ISTIO_DIVERT = "ISTIO_DIVERT";
  static final String ISTIO_TPROXY = "ISTIO_TPROXY";
  private static final Port SSH = new Port(22);
  private static final String ALL_BITS = "0xffffffff";

  @Override
  public void addRules(CaptureConfig config, RuleList rules) {
    Family family = rules.family();
    String mark = config.tproxy().hexMark();
    String outboundMark = TproxyRouting.hex(TproxyRouting.OUTBOUND_MARK);
    // istio-iptables (read at 1.22.8, 1.30.3) writes ISTIO_OUTBOUND_IPV4_LOOPBACK_CIDR's range here as in ISTIO_OUTPUT.
    Cidr loopback = family == Family.IPV4 ? config.ipv4Loopback() : family.loopback();
    for (InterfaceName nic : config.excludeInterfaces()) {
      rules.mangle(PREROUTING, "-i " + nic + " -j RETURN", "traffic arriving on excluded interface " + nic + " is not captured", Trace.EXCLUDE_INTERFACE);
      rules.mangle(OUTPUT, "-o " + nic + " -j RETURN", "traffic leaving on excluded interface " + nic + " is not captured", Trace.EXCLUDE_INTERFACE);
    }
    rules.nat(ISTIO_INBOUND, Specs.tcpPort(config.inboundTunnelPort()) + " -j RETURN",
        "the inbound tunnel (HBONE) port reaches the proxy directly");
    // Loop guards first: istio-iptables inserts them at positions 1-3 of ISTIO_INBOUND last of all.
    rules.mangle(ISTIO_INBOUND, "-p tcp -m mark --mark " + mark + " -j RETURN",
        "the proxy's own connections to the app (SO_MARK 1337) are not diverted again");
    rules.mangle(ISTIO_INBOUND, "-s " + family.inboundPassthrough() + " -i lo -p tcp -j RETURN",
        "the proxy's connections from the passthrough address to the app are not diverted");
    rules.mangle(ISTIO_INBOUND, "-i lo -p tcp -m mark ! --mark " + outboundMark + " -j RETURN",
        "the app talking to itself over lo is not diverted; the proxy's calls to its pod IP (1338) are");
    if (!config.inboundPorts().none()) {
      rules.mangle(ISTIO_DIVERT, "-j MARK --set-xmark " + mark + "/" + ALL_BITS,
          "mark packets of diverted connections for the policy route to lo");
      rules.mangle(ISTIO_DIVERT, "-j ACCEPT", "and accept them as they are");
      rules.mangle(ISTIO_TPROXY, "! -d " + loopback + " -p tcp -j TPROXY --on-port " + config.inboundCapturePort()
              + " --on-ip " + (family == Family.IPV6 ? "::" : "0.0.0.0") + " --tproxy-mark " + mark + "/" + ALL_BITS,
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
    rules.mangle(PREROUTING, "-p tcp -m mark --mark " + mark + " -j CONNMARK --save-mark --nfmask "
        + ALL_BITS + " --ctmask " + ALL_BITS, "remember the mark on the connection");
    rules.mangle(OUTPUT, "-o lo -p tcp -m mark --mark " + mark + " -j RETURN",
        "the proxy's connections to the app keep their mark");
    for (Long uid : config.proxyUids().ids()) {
      rules.mangle(OUTPUT, markOwnCalls("--uid-owner " + uid, loopback, outboundMark), "the proxy's calls to its pod IP are captured inbound");
    }
    for (Long gid : config.proxyGids().ids()) {
      rules.mangle(OUTPUT, markOwnCalls("--gid-owner " + gid, loopback, outboundMark), "the proxy's calls to its pod IP are captured inbound");
    }
    rules.mangle(OUTPUT, "-p tcp -m connmark --mark " + mark + " -j CONNMARK --restore-mark --nfmask "
        + ALL_BITS + " --ctmask " + ALL_BITS, "the app's replies to a diverted client take the policy route back to the proxy");
  }

  private static String markOwnCalls(String owner, Cidr loopback, String outboundMark) {
    return "! -d " + loopback + " -o lo -p tcp -m owner " + owner + " -j MARK --set-xmark " + outboundMark + "/" + ALL_BITS;
  }
}
