package dev.outrigger.it.container;

import static dev.outrigger.it.container.InjectedPod.map;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * A pod as docker containers sharing one network namespace, the way a kubelet runs it: a
 * sandbox container owns the namespace (and the pod IP), the others join it. Injected containers
 * are run from their spec: image, args, uid/gid, capabilities, read-only root, in-memory volumes.
 */
final class ContainerPod implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofSeconds(60);

  private final String name;
  private final GenericContainer<?> sandbox;
  private final List<GenericContainer<?>> containers = new ArrayList<>();

  private ContainerPod(String name, GenericContainer<?> sandbox) {
    this.name = name;
    this.sandbox = sandbox;
  }

  static ContainerPod start(Network network, String name) {
    GenericContainer<?> sandbox = new GenericContainer<>(DockerImageName.parse(ContainerEnvironment.TOOLS_IMAGE))
        .withNetwork(network).withNetworkAliases(name).withCommand("sleep", "infinity");
    sandbox.start();
    return new ContainerPod(name, sandbox);
  }

  String ip() {
    return sandbox.getContainerInfo().getNetworkSettings().getNetworks().values().iterator().next().getIpAddress();
  }

  /** An app container from the tools image running a shell command in the pod. */
  GenericContainer<?> app(String command, Map<String, String> env) {
    GenericContainer<?> app = join(new GenericContainer<>(DockerImageName.parse(ContainerEnvironment.TOOLS_IMAGE)))
        .withCommand("sh", "-c", command).withEnv(env);
    return started(app);
  }

  /** Runs a command in the pod's network namespace (from the sandbox, which has the tools). */
  org.testcontainers.containers.Container.ExecResult exec(String... command) {
    try {
      return sandbox.execInContainer(command);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits until something in the pod listens on {@code address:port} (as ss shows it). */
  void awaitListening(String address, int port) throws InterruptedException {
    String wanted = address + ":" + port;
    for (int i = 0; i < 60; i++) {
      if (exec("ss", "-Hltn").getStdout().contains(wanted)) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("nothing listens on " + wanted + " in " + name + ":\n" + exec("ss", "-ltn").getStdout());
  }

  /** Runs an injected init container to completion; fails with its output unless it exits 0. */
  void runInit(InjectedPod pod) {
    GenericContainer<?> init = fromSpec(pod, pod.initContainer())
        .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(STARTUP));
    started(init);
  }

  /** Starts the injected proxy container and probes it as its startupProbe does. */
  GenericContainer<?> startProxy(InjectedPod pod) throws InterruptedException {
    Map<String, Object> spec = pod.proxyContainer();
    GenericContainer<?> proxy = started(fromSpec(pod, spec));
    Map<String, Object> probe = map(map(spec.get("startupProbe")).get("httpGet"));
    URI url = URI.create("http://" + ip() + ":" + probe.get("port") + probe.get("path"));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (!proxy.isRunning()) {
        throw new AssertionError("the proxy of " + name + " exited:\n" + proxy.getLogs());
      }
      try {
        if (http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(3)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return proxy;
        }
      } catch (java.io.IOException notYet) {
        // The startup probe retries every second, as does this loop.
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("the proxy of " + name + " was not ready within " + STARTUP + ":\n" + proxy.getLogs());
  }

  private GenericContainer<?> fromSpec(InjectedPod pod, Map<String, Object> spec) {
    // The downward-API values a kubelet would give this pod.
    Map<String, String> fields = Map.of("metadata.name", name, "metadata.namespace", "default",
        "status.podIP", ip(), "spec.serviceAccountName", "default", "status.hostIP", ip());
    return join(KubeletSpec.container(pod, spec, fields));
  }

  private GenericContainer<?> join(GenericContainer<?> container) {
    return container.withNetworkMode("container:" + sandbox.getContainerId());
  }

  private GenericContainer<?> started(GenericContainer<?> container) {
    containers.add(container);
    container.start();
    return container;
  }

  @Override
  public void close() {
    for (int i = containers.size() - 1; i >= 0; i--) {
      containers.get(i).stop();
    }
    sandbox.stop();
  }

  @Override
  public String toString() {
    return name + " (" + ip() + ")";
  }
}
