package dev.outrigger.iptables.privileged;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.iptables.CommandHarness;
import dev.outrigger.iptables.CommandHarness.Outcome;
import dev.outrigger.iptables.Host;
import dev.outrigger.iptables.exec.Binaries;
import dev.outrigger.iptables.exec.CommandResult;
import dev.outrigger.iptables.exec.ProcessRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A throwaway network namespace ("orit-ipt-..."), with lo up, deleted on close. */
final class Netns implements AutoCloseable {
  private final String name = "orit-ipt-" + UUID.randomUUID().toString().substring(0, 8);
  private final ProcessRunner inside = new ProcessRunner(List.of("ip", "netns", "exec", name));

  private Netns() {}

  static Netns create() {
    Netns netns = new Netns();
    run(ProcessRunner.direct(), "ip", "netns", "add", netns.name);
    netns.sh("ip", "link", "set", "lo", "up");
    return netns;
  }

  /**
   * Gives the namespace a global IPv6 address on a veth link (both ends stay inside; veth is there
   * on kernels without the dummy module), so it counts as an IPv6 pod.
   */
  Netns withGlobalIpv6() {
    try {
      sh("ip", "link", "add", "orit0", "type", "veth", "peer", "name", "orit1");
      sh("ip", "link", "set", "orit0", "up");
      sh("ip", "-6", "addr", "add", "fd00::2/64", "dev", "orit0", "nodad");
      return this;
    } catch (RuntimeException | Error e) {
      close(); // called in a try-with-resources header, so nobody else would delete the namespace
      throw e;
    }
  }

  String name() {
    return name;
  }

  /** Loads rules with BINARY-restore --noflush (e.g. an Istio golden's), failing the test on an error. */
  void restoreNoflush(String binary, String input) {
    try {
      var result = runner().run(List.of(binary, "--noflush"), input);
      assertEquals(0, result.exitCode(), binary + ": " + result.stderr() + "\n" + input);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  ProcessRunner runner() {
    return inside;
  }

  /** The iptables command in-process, with every program it runs executed inside this namespace. */
  Outcome outrigger(List<String> args) {
    return outrigger(Map.of(), args);
  }

  /** As {@link #outrigger(List)}, with these environment variables. */
  Outcome outrigger(Map<String, String> env, List<String> args) {
    return outrigger(env, args, Host.RESOLV_CONF);
  }

  /** As {@link #outrigger(Map, List)}, reading the nameservers for --redirect-dns from this file. */
  Outcome outrigger(Map<String, String> env, List<String> args, Path resolvConf) {
    Host host = new Host(env, inside, Binaries.fromPath(System.getenv("PATH")), Path.of("/etc/passwd"), resolvConf);
    return CommandHarness.execute(host, args);
  }

  Outcome outrigger(List<String> args, String... more) {
    List<String> all = new ArrayList<>(args);
    all.addAll(Arrays.asList(more));
    return outrigger(all);
  }

  /** Runs a program in the namespace and returns its stdout; it must succeed. */
  String sh(String... command) {
    return run(inside, command);
  }

  CommandResult tryRun(String... command) {
    try {
      return inside.run(List.of(command));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<String> listing(String binary, String table) {
    return sh(binary, "-t", table, "-S").lines().toList();
  }

  /** iptables-save without its timestamp comments, to compare whole states. */
  String save(String binary) {
    return sh(binary).lines().filter(line -> !line.startsWith("#")).reduce("", (a, b) -> a + b + "\n");
  }

  private static String run(ProcessRunner runner, String... command) {
    try {
      CommandResult result = runner.run(List.of(command));
      assertEquals(0, result.exitCode(), String.join(" ", command) + ": " + result.stderr());
      return result.stdout();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    run(ProcessRunner.direct(), "ip", "netns", "del", name);
  }
}
