package dev.outrigger.iptables.plan;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One rule to append (or insert at the head of its chain), with the reason it exists. The spec is
 * written exactly as {@code iptables -S} prints it back, so a planned rule and a rule read from the
 * kernel compare as plain strings.
 */
public record Rule(Table table, String chain, String spec, String reason, Placement placement) {
  private static final Pattern JUMP = Pattern.compile("(?:^| )-[jg] (\\S+)");

  public Rule(Table table, String chain, String spec, String reason) {
    this(table, chain, spec, reason, Placement.APPEND);
  }

  public Optional<String> target() {
    return jumpTarget(spec);
  }

  /** The "-A CHAIN spec" line of iptables -S: how the kernel lists the rule wherever it was placed. */
  public String appendLine() {
    return "-A " + chain + " " + spec;
  }

  /** The line that puts the rule in place in iptables-restore input ("-A ..." or "-I CHAIN 1 ..."). */
  public String restoreLine() {
    return placement == Placement.TOP ? "-I " + chain + " 1 " + spec : appendLine();
  }

  public static Optional<String> jumpTarget(String spec) {
    Matcher jump = JUMP.matcher(spec);
    return jump.find() ? Optional.of(jump.group(1)) : Optional.empty();
  }
}
