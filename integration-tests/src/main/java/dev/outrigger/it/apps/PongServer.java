package dev.outrigger.it.apps;

import dev.outrigger.it.harness.Pod;
import java.time.Duration;
import java.util.List;

/**
 * The netcat server of seed 004: `while true; do echo pong | ncat -l <ip> <port>; done`. It
 * sends "pong" on connect and serves one connection per ncat, so callers wait for it to listen
 * again before each connection ({@link #awaitListening()}).
 */
public final class PongServer {
  private static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(10);

  private final Pod pod;
  private final String bindIp;
  private final int port;

  private PongServer(Pod pod, String bindIp, int port) {
    this.pod = pod;
    this.bindIp = bindIp;
    this.port = port;
  }

  /** Starts the loop in the pod, bound to bindIp (127.0.0.1 for "lo", the pod IP for "eth0"). */
  public static PongServer start(Pod pod, String bindIp, int port) {
    pod.start("pong-" + bindIp + ":" + port, List.of("sh", "-c",
        "while true; do echo pong | ncat -l \"$0\" \"$1\"; done", bindIp, String.valueOf(port)));
    PongServer server = new PongServer(pod, bindIp, port);
    server.awaitListening();
    return server;
  }

  public void awaitListening() {
    pod.awaitListening(bindIp, port, LISTEN_TIMEOUT);
  }

  public int port() {
    return port;
  }

  @Override
  public String toString() {
    return "pong server on " + pod.name() + " " + bindIp + ":" + port;
  }
}
