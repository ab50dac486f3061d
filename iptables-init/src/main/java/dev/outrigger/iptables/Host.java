package dev.outrigger.iptables;

import dev.outrigger.iptables.exec.Binaries;
import dev.outrigger.iptables.exec.CommandRunner;
import dev.outrigger.iptables.exec.ProcessRunner;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the command reads from and acts on outside the JVM. Production uses the real process
 * environment; tests substitute an environment map, a runner in another network namespace, or a
 * search path without iptables.
 */
public record Host(Map<String, String> env, CommandRunner runner, Binaries binaries, Path passwd, Path resolvConf) {
  /** Where istio-iptables reads the nameservers whose DNS traffic --redirect-dns captures. */
  public static final Path RESOLV_CONF = Path.of("/etc/resolv.conf");

  public Host {
    env = Map.copyOf(env);
  }

  /** A host whose nameservers are the system's (/etc/resolv.conf). */
  public Host(Map<String, String> env, CommandRunner runner, Binaries binaries, Path passwd) {
    this(env, runner, binaries, passwd, RESOLV_CONF);
  }

  public static Host system() {
    return new Host(System.getenv(), ProcessRunner.direct(), Binaries.fromPath(System.getenv("PATH")), Path.of("/etc/passwd"));
  }
}
