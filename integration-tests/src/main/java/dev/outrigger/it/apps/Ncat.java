package dev.outrigger.it.apps;

import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** The netcat client of seed 004: `echo ping | ncat <ip> <port>`. */
public final class Ncat {
  /** What the seed's client prints when the sidecar resets the connection. */
  public static final String RESET_BY_PEER = "Ncat: Connection reset by peer.";
  public static final String CONNECTION_REFUSED = "Ncat: Connection refused.";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private Ncat() {}

  public static CommandResult ping(Pod from, String ip, int port) {
    return send(from, ip, port, "ping\n");
  }

  /** Sends the data then half-closes (ncat's default on end of input) and prints what comes back. */
  public static CommandResult send(Pod from, String ip, int port, String data) {
    return run(from, List.of("ncat", ip, String.valueOf(port)), data);
  }

  /** Like {@link #send} from a fixed source port, so access-log lines can be matched to the client. */
  public static CommandResult sendFromPort(Pod from, int sourcePort, String ip, int port, String data) {
    return run(from, List.of("ncat", "-p", String.valueOf(sourcePort), ip, String.valueOf(port)), data);
  }

  private static CommandResult run(Pod from, List<String> argv, String data) {
    return from.exec(TIMEOUT, data.getBytes(StandardCharsets.UTF_8), argv);
  }
}
