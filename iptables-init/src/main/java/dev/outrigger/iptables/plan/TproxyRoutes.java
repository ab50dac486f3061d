package dev.outrigger.iptables.plan;

import dev.outrigger.iptables.config.CaptureConfig;
import dev.outrigger.iptables.config.InterceptionMode;
import dev.outrigger.iptables.net.Family;
import java.util.ArrayList;
import java.util.List;

/**
 * The policy routing TPROXY needs, as istio-iptables sets it up (tools/common/tproxy): packets marked
 * 1337 look up table 133, whose only route delivers everything locally over lo. Without it a
 * diverted packet, or the app's reply to a client address that is not local, would be routed out.
 * Pure: the ip(8) arguments, per family; {@code ExecTproxyRoutes} runs them.
 */
public final class TproxyRoutes {
  /** Istio's default of -r/--istio-inbound-tproxy-route-table. */
  public static final int ROUTE_TABLE = 133;

  private TproxyRoutes() {}

  /** Whether the configuration needs the routes: istio-iptables adds them only when inbound ports are captured. */
  public static boolean needed(CaptureConfig config) {
    return config.mode() == InterceptionMode.TPROXY && !config.inboundPorts().none();
  }

  /** {@code ip [-6] rule add fwmark 1337 lookup 133}. */
  public static List<String> addRule(Family family) {
    return ip(family, "rule", "add", ruleSelector());
  }

  public static List<String> deleteRule(Family family) {
    return ip(family, "rule", "del", ruleSelector());
  }

  /** {@code ip [-6] rule show fwmark 1337 lookup 133}: empty output when the rule is absent. */
  public static List<String> showRule(Family family) {
    return ip(family, "rule", "show", ruleSelector());
  }

  /** {@code ip [-6] route replace local default dev lo table 133}: replace, so a re-run is a no-op. */
  public static List<String> addRoute(Family family) {
    return ip(family, "route", "replace", "local default dev lo table " + ROUTE_TABLE);
  }

  /** Empties table 133 (only our route lives there). */
  public static List<String> flushRoutes(Family family) {
    return ip(family, "route", "flush", "table " + ROUTE_TABLE);
  }

  private static String ruleSelector() {
    return "fwmark " + TproxyInboundCapture.TPROXY_MARK + " lookup " + ROUTE_TABLE;
  }

  private static List<String> ip(Family family, String object, String verb, String rest) {
    List<String> args = new ArrayList<>();
    if (family == Family.IPV6) {
      args.add("-6");
    } else {
      args.add("-4");
    }
    args.add(object);
    args.add(verb);
    args.addAll(List.of(rest.split(" ")));
    return List.copyOf(args);
  }
}
