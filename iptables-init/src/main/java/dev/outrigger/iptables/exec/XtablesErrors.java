package dev.outrigger.iptables.exec;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns xtables' stderr into one line that says what is missing. The patterns are the messages
 * seen in istio-iptables bug reports for each failure (legacy and nf_tables wordings).
 */
public final class XtablesErrors {
  private record Known(Pattern stderr, String hint) {}

  private static final List<Known> KNOWN = List.of(
      new Known(Pattern.compile("(?i)can't initialize .*table|unable to initialize table|Table does not exist"),
          "the table is not available in the kernel (modules iptable_nat/ip6table_nat, nf_nat, or nft_chain_nat missing?)"),
      new Known(Pattern.compile("(?i)Permission denied|you must be root|Operation not permitted"),
          "permission denied (needs root with CAP_NET_ADMIN and CAP_NET_RAW)"),
      new Known(Pattern.compile("(?i)Couldn't load (target|match)|No chain/target/match by that name|"
              + "Extension \\S+ revision \\d+ not supported|Could not process rule|RULE_APPEND failed|CHAIN_ADD failed"),
          "a kernel module a rule needs is missing (xt_REDIRECT, xt_owner, xt_tcpudp, nf_nat)"),
      new Known(Pattern.compile("(?i)Another app is currently holding the xtables lock"),
          "the xtables lock is held by another process"));

  private XtablesErrors() {}

  public static String describe(String program, CommandResult result) {
    String first = result.firstErrorLine();
    for (Known known : KNOWN) {
      if (known.stderr().matcher(result.stderr()).find()) {
        return program + " failed: " + known.hint() + ": " + first;
      }
    }
    return program + " failed: " + first;
  }
}
