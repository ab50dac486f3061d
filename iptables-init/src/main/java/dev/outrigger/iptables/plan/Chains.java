package dev.outrigger.iptables.plan;

import java.util.List;

/**
 * Chain names. Every chain whose name starts with ISTIO_ is ours (istio-iptables' convention, kept
 * for drop-in compatibility): we may flush and delete it, and nothing else.
 */
public final class Chains {
  public static final String ISTIO_INBOUND = "ISTIO_INBOUND";
  public static final String ISTIO_IN_REDIRECT = "ISTIO_IN_REDIRECT";
  public static final String ISTIO_OUTPUT = "ISTIO_OUTPUT";
  public static final String ISTIO_REDIRECT = "ISTIO_REDIRECT";
  /** DNS capture's chain in nat and raw (since Istio 1.25). */
  public static final String ISTIO_OUTPUT_DNS = "ISTIO_OUTPUT_DNS";
  public static final String PREROUTING = "PREROUTING";
  public static final String OUTPUT = "OUTPUT";

  /** In the order `iptables -S` lists them. */
  public static final List<String> BUILTIN = List.of("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING");

  private static final String OWNED_PREFIX = "ISTIO_";
  private static final List<String> NAT_BUILTIN = List.of("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING");
  private static final List<String> RAW_BUILTIN = List.of("PREROUTING", "OUTPUT");

  private Chains() {}

  public static boolean isOwned(String chain) {
    return chain.startsWith(OWNED_PREFIX);
  }

  public static boolean isBuiltin(String chain) {
    return BUILTIN.contains(chain);
  }

  /** The builtin chains a table has, in listing order (nat has no FORWARD, raw only PREROUTING and OUTPUT). */
  public static List<String> builtinOf(Table table) {
    if (table.equals(Table.NAT)) {
      return NAT_BUILTIN;
    }
    return table.equals(Table.RAW) ? RAW_BUILTIN : BUILTIN;
  }
}
