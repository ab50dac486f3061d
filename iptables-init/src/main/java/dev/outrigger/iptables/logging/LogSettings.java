package dev.outrigger.iptables.logging;

import java.util.Optional;

/**
 * Istio's logging flags, checked.
 *
 * @param level the default scope's level, when --log_output_level sets it (else the log level stays as configured)
 * @param json --log_as_json: accepted, but the log stays text (Outrigger's log layout has no JSON form)
 */
public record LogSettings(Optional<IstioLevel> level, boolean json) {}
