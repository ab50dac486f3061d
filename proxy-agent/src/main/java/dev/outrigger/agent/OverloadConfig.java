package dev.outrigger.agent;

import dev.outrigger.core.overload.OverloadSettings;

/** The overload environment key, parsed into {@link OverloadSettings}. */
final class OverloadConfig {
  /** Bytes in flight between connections, in MiB, at which the largest holders are reset. */
  static final String BUFFER_BUDGET_MB = "OUTRIGGER_BUFFER_BUDGET_MB";
  private static final long MIB = 1024 * 1024;

  private OverloadConfig() {}

  static OverloadSettings fromEnvironment(AgentConfig.Env e) {
    OverloadSettings d = OverloadSettings.defaults();
    long budget = e.get(BUFFER_BUDGET_MB, d.budgetBytes() / MIB, raw -> (long) AgentConfig.Env.positive(raw)) * MIB;
    return new OverloadSettings(budget, d.readBurstBytes());
  }

  /** For /config_dump: the effective value under its key. */
  static void describe(OverloadSettings o, java.util.Map<String, Object> dump) {
    dump.put(BUFFER_BUDGET_MB, o.budgetBytes() / MIB);
  }
}
