package dev.outrigger.iptables.plan;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One rule to append, with the reason it exists. The spec is written exactly as {@code iptables -S}
 * prints it back, so a planned rule and a rule read from the kernel compare as plain strings.
 */
public record Rule(Table table, String chain, String spec, String reason) {
  private static final Pattern JUMP = Pattern.compile("(?:^| )-[jg] (\\S+)");

  public Optional<String> target() {
    return jumpTarget(spec);
  }

  /** The "-A CHAIN spec" line of iptables-restore and iptables -S. */
  public String appendLine() {
    return "-A " + chain + " " + spec;
  }

  public static Optional<String> jumpTarget(String spec) {
    Matcher jump = JUMP.matcher(spec);
    return jump.find() ? Optional.of(jump.group(1)) : Optional.empty();
  }
}
