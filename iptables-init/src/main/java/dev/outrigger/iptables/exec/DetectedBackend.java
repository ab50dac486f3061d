package dev.outrigger.iptables.exec;

import dev.outrigger.iptables.restore.SavedRuleset;

/** The backend to write to, and what its tables hold right now. */
public record DetectedBackend(Backend backend, SavedRuleset current) {}
