package dev.outrigger.agent;

import dev.outrigger.core.config.InterceptionMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TPROXY mode's one requirement on the proxy's user. The proxy's transparent connection to the app
 * leaves over lo from the client's address; istio-iptables' nat ISTIO_OUTPUT (with the injector's
 * {@code -u 1337}) redirects lo traffic of uid 1337 to the inbound port, so a proxy running as uid
 * 1337 would have its connections to the app sent back to itself, never answered. Istio's injector
 * therefore runs the proxy as uid 0 (gid 1337) in TPROXY mode, and the uid rule
 * {@code -o lo -m owner ! --uid-owner 1337 -j RETURN} lets the connection through; Envoy run as 1337
 * would loop the same way. Checked once at start from /proc/self/status; a warning, not a refusal,
 * since the init rules could have been written with another {@code -u}.
 */
final class TproxyUserCheck {
  private static final Logger log = LoggerFactory.getLogger(TproxyUserCheck.class);
  /** The uid Istio's injector passes to istio-iptables as -u in TPROXY mode. */
  static final long CAPTURED_PROXY_UID = 1337;
  static final Path STATUS = Path.of("/proc/self/status");

  private TproxyUserCheck() {}

  /** Logs the warning when it applies; an unreadable status file is logged and skipped. */
  static void run(InterceptionMode mode, Path status) {
    if (mode != InterceptionMode.TPROXY) {
      return;
    }
    try {
      OptionalLong uid = effectiveUid(Files.readString(status));
      if (uid.isEmpty()) {
        log.warn("cannot find the Uid line in {}: the TPROXY user check is skipped", status);
        return;
      }
      warning(mode, uid.getAsLong()).ifPresent(log::warn);
    } catch (IOException e) {
      log.warn("cannot read {}: the TPROXY user check is skipped ({})", status, e.toString());
    }
  }

  static Optional<String> warning(InterceptionMode mode, long effectiveUid) {
    if (mode != InterceptionMode.TPROXY || effectiveUid != CAPTURED_PROXY_UID) {
      return Optional.empty();
    }
    return Optional.of("TPROXY interception with the proxy running as uid " + effectiveUid + ": the init rules"
        + " (-u " + CAPTURED_PROXY_UID + ") redirect this uid's connections over lo, so the proxy's connections to the app"
        + " come back to its own inbound port and are never answered. Run the proxy as uid 0, gid 1337, with NET_ADMIN,"
        + " as Istio's injector (and Outrigger's) does for sidecar.istio.io/interceptionMode: TPROXY");
  }

  /** The effective uid: the second field of "Uid:\treal\teffective\tsaved\tfs" in /proc/PID/status. */
  static OptionalLong effectiveUid(String status) {
    return status.lines()
        .filter(line -> line.startsWith("Uid:"))
        .map(line -> line.substring(4).trim().split("\\s+"))
        .filter(fields -> fields.length >= 2 && fields[1].matches("\\d+"))
        .mapToLong(fields -> Long.parseLong(fields[1]))
        .findFirst();
  }
}
