package dev.outrigger.iptables.plan;

import dev.outrigger.iptables.net.Family;
import java.util.ArrayList;
import java.util.List;

/** Collects rules while a plan is being built; the builders append in istio-iptables' order. */
public final class RuleList {
  private final Family family;
  private final boolean traceLogging;
  private final List<Rule> rules = new ArrayList<>();

  public RuleList(Family family) {
    this(family, false);
  }

  /** @param traceLogging put an NFLOG rule ahead of each rule added with a {@link Trace} tag */
  public RuleList(Family family, boolean traceLogging) {
    this.family = family;
    this.traceLogging = traceLogging;
  }

  public Family family() {
    return family;
  }

  public RuleList add(Table table, String chain, String spec, String reason) {
    rules.add(new Rule(table, chain, spec, reason));
    return this;
  }

  public RuleList nat(String chain, String spec, String reason) {
    return add(Table.NAT, chain, spec, reason);
  }

  public RuleList mangle(String chain, String spec, String reason) {
    return add(Table.MANGLE, chain, spec, reason);
  }

  public RuleList raw(String chain, String spec, String reason) {
    return add(Table.RAW, chain, spec, reason);
  }

  /** A rule istio-iptables tags for trace logging: with it on, its NFLOG rule goes first. */
  public RuleList add(Table table, String chain, String spec, String reason, Trace trace) {
    if (traceLogging) {
      add(table, chain, trace.logRule(spec), "trace logging: " + trace.identifier() + " is about to be hit");
    }
    return add(table, chain, spec, reason);
  }

  public RuleList nat(String chain, String spec, String reason, Trace trace) {
    return add(Table.NAT, chain, spec, reason, trace);
  }

  public RuleList mangle(String chain, String spec, String reason, Trace trace) {
    return add(Table.MANGLE, chain, spec, reason, trace);
  }

  /** As {@link #natAtTop(String, String, String)}; the NFLOG rule, inserted after it at the head, ends up above it. */
  public RuleList natAtTop(String chain, String spec, String reason, Trace trace) {
    natAtTop(chain, spec, reason);
    if (traceLogging) {
      natAtTop(chain, trace.logRule(spec), "trace logging: " + trace.identifier() + " is about to be hit");
    }
    return this;
  }

  /** A nat rule inserted at the head of its chain (iptables -I CHAIN 1). */
  public RuleList natAtTop(String chain, String spec, String reason) {
    rules.add(new Rule(Table.NAT, chain, spec, reason, Placement.TOP));
    return this;
  }

  public Plan toPlan() {
    return new Plan(family, rules);
  }
}
