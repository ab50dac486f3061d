package dev.outrigger.iptables.exec;

import dev.outrigger.iptables.net.Family;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The IPv6 facts the capture needs, read and changed with iproute2 so they apply to whatever network
 * namespace the runner works in.
 */
public final class Ipv6Host {
  private static final String PASSTHROUGH = Family.IPV6.inboundPassthrough().toString();

  private final CommandRunner runner;
  private final Binaries binaries;

  public Ipv6Host(CommandRunner runner, Binaries binaries) {
    this.runner = runner;
    this.binaries = binaries;
  }

  /** A global-scope IPv6 address (not loopback, not link-local) means the pod talks IPv6. */
  public boolean hasGlobalAddress() throws IptablesException {
    return run(List.of("-6", "-o", "addr", "show", "scope", "global")).stdout().contains(" inet6 ");
  }

  /**
   * Adds ::6/128 to lo unless it is there. The proxy binds ::6 as the source of its connections to the
   * app; unlike 127.0.0.0/8, IPv6 loopback is a single address, so ::6 has to be added explicitly.
   */
  public void ensurePassthroughAddress() throws IptablesException {
    if (run(List.of("-6", "-o", "addr", "show", "dev", "lo")).stdout().contains(" " + PASSTHROUGH + " ")) {
      return;
    }
    run(List.of("-6", "addr", "add", PASSTHROUGH, "dev", "lo"));
  }

  private CommandResult run(List<String> args) throws IptablesException {
    String ip = binaries.require("ip", "inspect IPv6 addresses").toString();
    List<String> command = new ArrayList<>(List.of(ip));
    command.addAll(args);
    try {
      CommandResult result = runner.run(command);
      if (!result.ok()) {
        throw new IptablesException("ip " + String.join(" ", args) + " failed: " + result.firstErrorLine());
      }
      return result;
    } catch (IOException e) {
      throw new IptablesException("could not run ip: " + e.getMessage(), e);
    }
  }
}
