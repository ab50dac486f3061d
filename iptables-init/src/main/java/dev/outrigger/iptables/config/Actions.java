package dev.outrigger.iptables.config;

/** What the command does with the rules: print, remove, apply, and/or probe them. */
public record Actions(boolean dryRun, boolean cleanupOnly, boolean skipRuleApply, boolean runValidation) {}
