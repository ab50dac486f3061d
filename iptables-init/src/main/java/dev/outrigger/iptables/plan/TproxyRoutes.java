package dev.outrigger.iptables.plan;

import dev.outrigger.iptables.config.CaptureConfig;
import dev.outrigger.iptables.config.InterceptionMode;
import dev.outrigger.iptables.config.TproxyRouting;
import dev.outrigger.iptables.net.Family;
import java.util.ArrayList;
import java.util.List;

/**
 * The policy routing TPROXY needs, as istio-iptables sets it up (tools/common/tproxy): packets marked
 * 1337 (-t) look up table 133 (-r), whose only route delivers everything locally over lo. Without it
 * a diverted packet, or the app's reply to a client address that is not local, would be routed out.
 * Pure: the ip(8) arguments, per family; {@code ExecTproxyRoutes} runs them.
 */
public final class TproxyRoutes {
  private TproxyRoutes() {}

  /** Whether the configuration needs the routes: istio-iptables adds them only when inbound ports are captured. */
  public static boolean needed(CaptureConfig config) {
    return config.mode() == InterceptionMode.TPROXY && !config.inboundPorts().none();
  }

  /** {@code ip [-6] rule add fwmark 1337 lookup 133}. */
  public static List<String> addRule(Family family, TproxyRouting routing) {
    return ip(family, "rule", "add", ruleSelector(routing));
  }

  public static List<String> deleteRule(Family family, TproxyRouting routing) {
    return ip(family, "rule", "del", ruleSelector(routing));
  }

  /** {@code ip [-6] rule show fwmark 1337 lookup 133}: empty output when the rule is absent. */
  public static List<String> showRule(Family family, TproxyRouting routing) {
    return ip(family, "rule", "show", ruleSelector(routing));
  }

  /** {@code ip [-6] route replace local default dev lo table 133}: replace, so a re-run is a no-op. */
  public static List<String> addRoute(Family family, TproxyRouting routing) {
    return ip(family, "route", "replace", "local default dev lo table " + routing.routeTable());
  }

  /** Empties the table (only our route lives there). */
  public static List<String> flushRoutes(Family family, TproxyRouting routing) {
    return ip(family, "route", "flush", "table " + routing.routeTable());
  }

  /** "fwmark 1337 lookup 133": how the rule is added, shown and deleted. */
  public static String ruleSelector(TproxyRouting routing) {
    return "fwmark " + routing.mark() + " lookup " + routing.routeTable();
  }

  private static List<String> ip(Family family, String object, String verb, String rest) {
    List<String> args = new ArrayList<>();
    args.add(family == Family.IPV6 ? "-6" : "-4");
    args.add(object);
    args.add(verb);
    args.addAll(List.of(rest.split(" ")));
    return List.copyOf(args);
  }
}
