package dev.outrigger.iptables;

import dev.outrigger.iptables.config.Actions;
import dev.outrigger.iptables.config.CaptureConfig;
import dev.outrigger.iptables.config.Settings;
import dev.outrigger.iptables.exec.Ipv6Host;
import dev.outrigger.iptables.exec.IptablesException;
import dev.outrigger.iptables.net.Family;
import dev.outrigger.iptables.plan.Plan;
import dev.outrigger.iptables.plan.PlanBuilder;
import dev.outrigger.iptables.plan.TproxyRoutes;
import dev.outrigger.iptables.config.Flags;
import dev.outrigger.iptables.config.TproxyRouting;
import dev.outrigger.iptables.exec.ExecTproxyRoutes;
import dev.outrigger.iptables.plan.UnsupportedModeException;
import dev.outrigger.iptables.validation.RedirectValidator;
import dev.outrigger.iptables.validation.ValidationFailedException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** One invocation: cleanup, or plan → apply (or print) → validate; failures become exit codes. */
final class IptablesRun {
  private final Host host;
  private final PrintWriter out;
  private final PrintWriter err;

  IptablesRun(Host host, PrintWriter out, PrintWriter err) {
    this.host = host;
    this.out = out;
    this.err = err;
  }

  int run(Settings settings) {
    Actions actions = settings.actions();
    CaptureConfig config = settings.capture();
    try {
      if (actions.cleanupOnly()) {
        new RuleRemover(host, out).removeAll(actions.dryRun());
        // Whatever mode set things up: a REDIRECT run finds nothing to remove.
        new ExecTproxyRoutes(host.runner(), host.binaries(), out).remove(config.tproxy(), actions.dryRun());
        return ExitCodes.OK;
      }
      List<Family> families = families();
      if (!actions.skipRuleApply()) {
        List<Plan> plans = new ArrayList<>();
        for (Family family : families) {
          plans.add(PlanBuilder.build(config, family));
        }
        new RuleInstaller(host, out).install(plans, actions.dryRun());
        if (TproxyRoutes.needed(config)) {
          warnIfTheProxyMarksOtherwise(config.tproxy());
          new ExecTproxyRoutes(host.runner(), host.binaries(), out).install(families, config.tproxy(), actions.dryRun());
        }
      }
      if (actions.runValidation()) {
        new RedirectValidator().validate(config, families);
        out.println("iptables validation passed");
      }
      return ExitCodes.OK;
    } catch (UnsupportedModeException e) {
      return fail(ExitCodes.BAD_OPTION, e.getMessage());
    } catch (IptablesException e) {
      return fail(ExitCodes.FAILED, e.getMessage());
    } catch (ValidationFailedException e) {
      return fail(ExitCodes.VALIDATION_FAILED, e.getMessage());
    } finally {
      out.flush();
    }
  }

  /**
   * The proxy (like Envoy, whose original_src filter istiod configures with the constant 1337) marks
   * its connections to the app 1337: under another -t mark the app's replies are not routed back to it.
   */
  private void warnIfTheProxyMarksOtherwise(TproxyRouting routing) {
    if (routing.mark() != TproxyRouting.DEFAULT_MARK) {
      err.println("outrigger iptables: warning: " + Flags.TPROXY_MARK + " " + routing.mark() + ": the proxy marks its"
          + " connections to the app " + TproxyRouting.DEFAULT_MARK + " (as Envoy does under istiod), which these rules"
          + " do not expect; the app's replies to TPROXY clients will not reach the proxy");
      err.flush();
    }
  }

  /** IPv4 always; IPv6 too when the pod has a global IPv6 address. */
  private List<Family> families() throws IptablesException {
    return new Ipv6Host(host.runner(), host.binaries()).hasGlobalAddress() ? List.of(Family.IPV4, Family.IPV6) : List.of(Family.IPV4);
  }

  private int fail(int code, String message) {
    err.println("outrigger iptables: " + message.lines().findFirst().orElse(message));
    err.flush();
    return code;
  }
}
