package dev.outrigger.it.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A "pod": a network namespace with lo up, an eth0 (veth) on the network's bridge, one address
 * in 10.99.0.0/24 and a default route via the bridge. Everything started in it is killed on close.
 */
public final class Pod implements AutoCloseable {
  private final String name;
  private final String netns;
  private final String ip;
  private final Path workDir;
  private final List<BackgroundProcess> processes = new ArrayList<>();

  private Pod(String name, String netns, String ip, Path workDir) {
    this.name = name;
    this.netns = netns;
    this.ip = ip;
    this.workDir = workDir;
  }

  static Pod create(String name, String netns, int hostNumber, PodNetwork network) throws IOException {
    String ip = PodNetwork.SUBNET_PREFIX + hostNumber;
    String bridgePort = Names.bridgePort(hostNumber);
    Path workDir = Files.createDirectory(network.workDir().resolve(name));
    Pod pod = new Pod(name, netns, ip, workDir);
    try {
      Namespaces.add(netns);
      // Created in place: one end on the bridge, the other straight into the pod as eth0.
      Namespaces.ip(network.netns(), "link", "add", bridgePort, "type", "veth", "peer", "name", "eth0", "netns", netns);
      Namespaces.ip(network.netns(), "link", "set", bridgePort, "master", network.bridge(), "up");
      Namespaces.ip(netns, "addr", "add", ip + "/" + PodNetwork.PREFIX_LENGTH, "dev", "eth0");
      Namespaces.ip(netns, "link", "set", "eth0", "up");
      Namespaces.ip(netns, "link", "set", "lo", "up");
      Namespaces.ip(netns, "route", "add", "default", "via", PodNetwork.GATEWAY);
      return pod;
    } catch (RuntimeException e) {
      pod.close();
      throw e;
    }
  }

  public String name() {
    return name;
  }

  /** The network namespace's name (ip netns exec NAME reads /etc/netns/NAME/resolv.conf over /etc/resolv.conf). */
  public String netns() {
    return netns;
  }

  /** The pod's address on eth0, like a Kubernetes pod IP. */
  public String ip() {
    return ip;
  }

  /** A directory for this pod's files (configs, received data), removed with the network. */
  public Path workDir() {
    return workDir;
  }

  public CommandResult exec(String... argv) {
    return exec(Commands.DEFAULT_TIMEOUT, List.of(argv));
  }

  public CommandResult exec(Duration timeout, List<String> argv) {
    return Commands.run(timeout, inPod(argv));
  }

  public CommandResult exec(Duration timeout, byte[] stdin, List<String> argv) {
    return Commands.run(timeout, stdin, inPod(argv));
  }

  public CommandResult execWithInput(Duration timeout, Path stdinFile, List<String> argv) {
    return Commands.runWithInput(timeout, stdinFile, inPod(argv));
  }

  /** Starts a process in the pod; it is killed with the pod at the latest. */
  public BackgroundProcess start(String processName, List<String> argv) {
    BackgroundProcess process = BackgroundProcess.start(name + "/" + processName, inPod(argv));
    synchronized (processes) {
      processes.add(process);
    }
    return process;
  }

  /** Waits until a TCP socket listens on ip:port (or on the wildcard address) inside the pod. */
  public void awaitListening(String listenIp, int port, Duration timeout) {
    String shown = listenIp.contains(":") ? "[" + listenIp + "]" : listenIp; // ss brackets IPv6
    List<String> accepted = List.of(shown + ":" + port, "0.0.0.0:" + port, "*:" + port, "[::]:" + port);
    Waits.until(name + " listening on " + listenIp + ":" + port, timeout, () -> {
      String sockets = exec("ss", "-Hltn").requireSuccess().stdout();
      return sockets.lines().flatMap(line -> Stream.of(line.trim().split("\\s+"))).anyMatch(accepted::contains);
    });
  }

  private List<String> inPod(List<String> argv) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", netns));
    full.addAll(argv);
    return full;
  }

  @Override
  public void close() {
    List<BackgroundProcess> started;
    synchronized (processes) {
      started = List.copyOf(processes);
    }
    started.forEach(BackgroundProcess::close);
    // Deleting the namespace also deletes eth0 and with it the bridge's end of the pair.
    Namespaces.deleteIfPresent(netns);
  }

  @Override
  public String toString() {
    return name + " (" + ip + ")";
  }
}
