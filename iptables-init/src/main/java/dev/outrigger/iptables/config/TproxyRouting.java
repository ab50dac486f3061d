package dev.outrigger.iptables.config;

/**
 * -t/--istio-inbound-tproxy-mark and -r/--istio-inbound-tproxy-route-table (env
 * ISTIO_INBOUND_TPROXY_MARK, ISTIO_INBOUND_TPROXY_ROUTE_TABLE): the firewall mark the TPROXY rules
 * put on diverted packets and expect on the proxy's connections to the app, and the routing table
 * of the policy route for that mark. Istio's defaults: 1337 and 133. Both are decimal integers, as
 * istio-iptables parses them (strconv.Atoi) for the ip rule.
 */
public record TproxyRouting(long mark, long routeTable) {
  /** Istio's InboundTProxyMark; also the mark Envoy's original_src filter gets from istiod, a constant there. */
  public static final long DEFAULT_MARK = 1337;
  public static final long DEFAULT_ROUTE_TABLE = 133;
  /** Istio's OutboundMark: the proxy's calls to its own pod IP. Fixed in istio-iptables, so never the TPROXY mark. */
  public static final long OUTBOUND_MARK = 1338;
  public static final TproxyRouting DEFAULTS = new TproxyRouting(DEFAULT_MARK, DEFAULT_ROUTE_TABLE);
  private static final long MAX_UINT32 = 0xffffffffL;

  public TproxyRouting {
    if (mark < 1 || mark > MAX_UINT32 || mark == OUTBOUND_MARK) {
      throw new IllegalArgumentException("mark " + mark + " out of range");
    }
    if (routeTable < 1 || routeTable > MAX_UINT32 || reserved(routeTable)) {
      throw new IllegalArgumentException("route table " + routeTable + " out of range");
    }
  }

  /** @param text "" means the default, 1337 */
  public static long parseMark(String text) {
    long mark = parseUint32(text, DEFAULT_MARK);
    if (mark == 0) {
      throw new IllegalArgumentException("'" + text + "': mark 0 is no mark at all (expected: 1-4294967295, default 1337)");
    }
    if (mark == OUTBOUND_MARK) {
      throw new IllegalArgumentException("'" + text + "': 1338 is the mark of the proxy's calls to its own pod IP"
          + " (expected: another mark, default 1337)");
    }
    return mark;
  }

  /** @param text "" means the default, 133 */
  public static long parseRouteTable(String text) {
    long table = parseUint32(text, DEFAULT_ROUTE_TABLE);
    if (table == 0 || reserved(table)) {
      // A "local default dev lo" route in main or local would deliver every packet of the pod locally.
      throw new IllegalArgumentException("'" + text + "' is the kernel's unspec/default/main/local table"
          + " (expected: 1-252 or 256-4294967295, default 133)");
    }
    return table;
  }

  /** As iptables -S prints a mark: "0x539". */
  public String hexMark() {
    return hex(mark);
  }

  public static String hex(long mark) {
    return "0x" + Long.toHexString(mark);
  }

  private static boolean reserved(long table) {
    return table >= 253 && table <= 255;
  }

  private static long parseUint32(String text, long fallback) {
    String trimmed = text == null ? "" : text.trim();
    if (trimmed.isEmpty()) {
      return fallback;
    }
    if (!trimmed.matches("\\+?\\d{1,10}")) {
      throw new IllegalArgumentException("'" + text + "' is not a decimal integer (expected: 1-4294967295)");
    }
    long value = Long.parseLong(trimmed);
    if (value > MAX_UINT32) {
      throw new IllegalArgumentException("'" + text + "' does not fit in 32 bits (expected: 1-4294967295)");
    }
    return value;
  }
}
