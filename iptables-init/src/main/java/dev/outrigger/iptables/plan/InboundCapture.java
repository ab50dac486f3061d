package dev.outrigger.iptables.plan;

import dev.outrigger.iptables.config.CaptureConfig;
import dev.outrigger.iptables.config.InterceptionMode;

/**
 * How inbound connections are steered to the proxy's inbound capture port: REDIRECT (nat), or
 * TPROXY (mangle, plus the policy routes of {@link TproxyRoutes}); the outbound side is the same.
 */
public interface InboundCapture {

  void addRules(CaptureConfig config, RuleList rules);

  static InboundCapture forMode(InterceptionMode mode) throws UnsupportedModeException {
    return switch (mode) {
      case REDIRECT -> new RedirectInboundCapture();
      case TPROXY -> new TproxyInboundCapture();
    };
  }
}
