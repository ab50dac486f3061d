package dev.outrigger.it.xds;

import dev.outrigger.it.apps.Curl;
import dev.outrigger.it.apps.CurlExchange;
import dev.outrigger.it.apps.EchoPage;
import dev.outrigger.it.harness.CommandResult;
import dev.outrigger.it.harness.Pod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * curl from the client pod to a Service by name, the way an app in a mesh calls it: the name
 * resolves to the Service's VIP (--resolve stands in for cluster DNS), the connection to the VIP
 * is captured by iptables, and only the sidecar can know where it goes. Shared by XdsRoutingIT
 * and the demo's third act.
 */
public final class ServiceCalls {
  private static final Duration BATCH_TIMEOUT = Duration.ofMinutes(3);

  private final Pod client;

  public ServiceCalls(Pod client) {
    this.client = client;
  }

  /** One request with its own x-request-id (to find its access-log line) and extra headers ("name: value"). */
  public Call get(String service, String vip, int port, String path, String... headers) {
    String requestId = UUID.randomUUID().toString();
    List<String> options = new ArrayList<>(List.of("--resolve", service + ":" + port + ":" + vip,
        "-H", "x-request-id: " + requestId));
    for (String header : headers) {
      options.add("-H");
      options.add(header);
    }
    CurlExchange exchange = Curl.exchange(client, "http://" + service + ":" + port + path, options);
    return new Call(requestId, exchange);
  }

  public record Call(String requestId, CurlExchange exchange) {
    public int status() {
      return exchange.status();
    }

    /** The pod that answered, from an EchoPage/StatusPage body ("Hostname: ..."), or null. */
    public String answeredBy() {
      return EchoPage.fields(exchange.body()).get("Hostname");
    }
  }

  /**
   * {@code count} GETs of {@code path}/1..count over one curl (URL globbing: one keep-alive
   * connection, requests one after another), each body an EchoPage naming its pod.
   *
   * @return how many responses each pod gave, and how many were not 200
   */
  public Tally batch(String service, String vip, int port, String path, int count, String... headers) {
    List<String> argv = new ArrayList<>(List.of("curl", "-sS", "--max-time", "150",
        "--resolve", service + ":" + port + ":" + vip, "-w", "\ncode %{http_code}\n"));
    for (String header : headers) {
      argv.add("-H");
      argv.add(header);
    }
    argv.add("http://" + service + ":" + port + path + "/[1-" + count + "]");
    CommandResult result = client.exec(BATCH_TIMEOUT, argv);
    Map<String, Integer> byPod = new LinkedHashMap<>();
    int responses = 0;
    int notOk = 0;
    for (String line : result.stdout().lines().toList()) {
      if (line.startsWith("Hostname: ")) {
        byPod.merge(line.substring("Hostname: ".length()), 1, Integer::sum);
      } else if (line.startsWith("code ")) {
        responses++;
        if (!line.equals("code 200")) {
          notOk++;
        }
      }
    }
    return new Tally(byPod, responses, notOk, result);
  }

  public record Tally(Map<String, Integer> byPod, int responses, int notOk, CommandResult result) {
    public int of(String pod) {
      return byPod.getOrDefault(pod, 0);
    }

    @Override
    public String toString() {
      return "responses " + responses + ", not 200: " + notOk + ", by pod " + byPod
          + (result.exitCode() == 0 ? "" : "\n" + result.describe());
    }
  }
}
