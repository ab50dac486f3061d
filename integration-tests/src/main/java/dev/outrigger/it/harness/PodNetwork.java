package dev.outrigger.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * A Linux bridge with pods on it, standing in for a cluster network: 10.99.0.1/24 on the bridge
 * (the pods' gateway), pods from 10.99.0.10 up. Close it to remove every pod, link and file.
 *
 * <p>The bridge lives in a namespace of its own, not in the host's: with br_netfilter loaded,
 * bridged frames pass the FORWARD chain of the bridge's namespace, and a host running Docker
 * has that chain's policy at DROP. In our own namespace the chain is empty, and nothing of
 * the network (addresses, routes, links) shows in the host's namespace.
 */
public final class PodNetwork implements AutoCloseable {
  public static final String SUBNET_PREFIX = "10.99.0.";
  public static final String GATEWAY = SUBNET_PREFIX + "1";
  static final int PREFIX_LENGTH = 24;
  private static final int FIRST_POD_HOST = 10;
  private static final int LAST_POD_HOST = 254;

  private final String name;
  private final HostLock lock;
  private final String netns;
  private final String bridge;
  private final Path workDir;
  private final List<Pod> pods = new ArrayList<>();
  private final List<BackgroundProcess> gatewayProcesses = new ArrayList<>();
  private final Thread cleanupOnExit = new Thread(this::close, "orit-it-network-cleanup");
  private boolean closed;

  private PodNetwork(String name, HostLock lock, Path workDir) {
    this.name = name;
    this.lock = lock;
    this.netns = Names.networkNamespace(name);
    this.bridge = Names.bridge(name);
    this.workDir = workDir;
    // Ctrl-C during the demo or a killed test JVM should not leave namespaces behind.
    Runtime.getRuntime().addShutdownHook(cleanupOnExit);
  }

  /** Creates the network; the name (1-8 of [a-z0-9]) makes its namespaces and bridge recognisable. */
  public static PodNetwork create(String name) {
    Names.requireNetworkName(name);
    HostLock lock = HostLock.acquire();
    PodNetwork network;
    try {
      StaleResources.removeAll();
      network = new PodNetwork(name, lock, createWorkDir(name));
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
    try {
      Namespaces.add(network.netns);
      Namespaces.ip(network.netns, "link", "set", "lo", "up");
      Namespaces.ip(network.netns, "link", "add", network.bridge, "type", "bridge");
      Namespaces.ip(network.netns, "addr", "add", GATEWAY + "/" + PREFIX_LENGTH, "dev", network.bridge);
      Namespaces.ip(network.netns, "link", "set", network.bridge, "up");
      return network;
    } catch (RuntimeException e) {
      network.close();
      throw e;
    }
  }

  /**
   * World-traversable, because the proxy runs as uid 1337 and nginx workers as nobody, and both
   * need to reach files below it.
   */
  private static Path createWorkDir(String name) {
    try {
      Path dir = Files.createTempDirectory(Names.WORK_DIR_PREFIX + name + "-");
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a work directory", e);
    }
  }

  public synchronized Pod addPod(String podName) {
    if (closed) {
      throw new IllegalStateException("network " + name + " is closed");
    }
    Names.requirePodName(podName);
    int hostNumber = FIRST_POD_HOST + pods.size();
    if (hostNumber > LAST_POD_HOST) {
      throw new IllegalStateException("no address left in " + SUBNET_PREFIX + "0/" + PREFIX_LENGTH);
    }
    try {
      Pod pod = Pod.create(podName, Names.podNamespace(name, podName), hostNumber, this);
      pods.add(pod);
      return pod;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create pod " + podName, e);
    }
  }

  /**
   * Starts a process in the network's own namespace, the one holding the gateway address
   * {@value #GATEWAY}: for what stands in for the cluster outside the pods (the control plane's
   * address). Killed when the network closes at the latest.
   */
  public synchronized BackgroundProcess startOnGateway(String processName, List<String> argv) {
    if (closed) {
      throw new IllegalStateException("network " + name + " is closed");
    }
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", netns));
    full.addAll(argv);
    BackgroundProcess process = BackgroundProcess.start(name + "/" + processName, full);
    gatewayProcesses.add(process);
    return process;
  }

  public String name() {
    return name;
  }

  String bridge() {
    return bridge;
  }

  /** The namespace holding the bridge, the gateway address and the bridge's ends of the pods' veths. */
  String netns() {
    return netns;
  }

  public Path workDir() {
    return workDir;
  }

  /** Removes pods (newest first), the bridge's namespace and the files, then lets the next network start. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (Thread.currentThread() != cleanupOnExit) {
      try {
        Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
      } catch (IllegalStateException e) {
        // The JVM is already shutting down; the hook will find the network closed.
      }
    }
    RuntimeException failure = null;
    for (int i = pods.size() - 1; i >= 0; i--) {
      failure = attempt(pods.get(i)::close, failure);
    }
    pods.clear();
    for (BackgroundProcess process : gatewayProcesses) {
      failure = attempt(process::close, failure);
    }
    gatewayProcesses.clear();
    failure = attempt(() -> Namespaces.deleteIfPresent(netns), failure);
    failure = attempt(() -> StaleResources.deleteTree(workDir), failure);
    lock.close();
    if (failure != null) {
      throw failure;
    }
  }

  /** Runs one cleanup step; a failure is kept for later so the other steps still run. */
  private static RuntimeException attempt(Runnable step, RuntimeException earlier) {
    try {
      step.run();
      return earlier;
    } catch (RuntimeException e) {
      if (earlier == null) {
        return e;
      }
      earlier.addSuppressed(e);
      return earlier;
    }
  }
}
