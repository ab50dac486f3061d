package dev.outrigger.iptables.plan;

import dev.outrigger.iptables.config.CaptureConfig;
import dev.outrigger.iptables.config.InterceptionMode;

/**
 * How inbound connections are steered to the proxy's inbound capture port. REDIRECT (nat) is the
 * only implementation today; TPROXY (mangle + policy routing) is a second implementation of this
 * interface plus the routes it needs, without touching the outbound side.
 */
public interface InboundCapture {

  void addRules(CaptureConfig config, RuleList rules);

  static InboundCapture forMode(InterceptionMode mode) throws UnsupportedModeException {
    return switch (mode) {
      case REDIRECT -> new RedirectInboundCapture();
      case TPROXY -> throw new UnsupportedModeException(
          "interception mode TPROXY is not supported yet (use REDIRECT)");
    };
  }
}
