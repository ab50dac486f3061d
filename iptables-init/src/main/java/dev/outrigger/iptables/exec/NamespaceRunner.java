package dev.outrigger.iptables.exec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * --network-namespace: every program runs in the given network namespace (a path such as
 * /var/run/netns/NAME or /proc/PID/ns/net), through {@code nsenter --net=PATH}, as istio-iptables
 * runs its iptables commands there. Only the network namespace changes: files and users stay ours.
 */
public final class NamespaceRunner implements CommandRunner {
  private final CommandRunner inner;
  private final List<String> prefix;

  public NamespaceRunner(CommandRunner inner, Path nsenter, String networkNamespace) {
    this.inner = inner;
    this.prefix = List.of(nsenter.toString(), "--net=" + networkNamespace);
  }

  @Override
  public CommandResult run(List<String> command, String stdin) throws IOException {
    List<String> argv = new ArrayList<>(prefix);
    argv.addAll(command);
    return inner.run(argv, stdin);
  }
}
