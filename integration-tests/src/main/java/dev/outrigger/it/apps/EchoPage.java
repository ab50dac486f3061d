package dev.outrigger.it.apps;

import dev.outrigger.it.harness.Pod;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo app of seed 000: nginx answering every request with what it sees of the connection,
 * notably "Server: $server_addr" (its local address) and "Remote IP: $remote_addr" (its peer).
 */
public final class EchoPage {
  public static final String SERVER = "Server";
  public static final String REMOTE_IP = "Remote IP";

  private final Pod pod;
  private final String host;
  private final int port;

  private EchoPage(Pod pod, String host, int port) {
    this.pod = pod;
    this.host = host;
    this.port = port;
  }

  /** Starts nginx in the pod on 0.0.0.0:port, with its config, pid and temp files in the pod's work dir. */
  public static EchoPage start(Pod pod, int port) {
    Nginx.start(pod, "nginx", server(pod, "0.0.0.0:" + port), List.of(port));
    return new EchoPage(pod, pod.ip(), port);
  }

  /** Starts nginx on the pod's IPv6 address {@code ipv6} only; {@link #url()} then names that address. */
  public static EchoPage startOnIpv6(Pod pod, String ipv6, int port) {
    Nginx.start(pod, "nginx", server(pod, "[" + ipv6 + "]:" + port), ipv6, List.of(port));
    return new EchoPage(pod, "[" + ipv6 + "]", port);
  }

  /** The body mirrors the seed's echo page. */
  private static String server(Pod pod, String listen) {
    String body = String.join("\\n",
        "Hostname: " + pod.name(),
        "User: $remote_user",
        "Protocol: $server_protocol",
        "Method: $request_method",
        "Path: $request_uri",
        "Server: $server_addr",
        "Http_host: $http_host",
        "user_agent: $http_user_agent",
        "Remote IP: $remote_addr") + "\\n";
    return """
        server {
          listen %1$s;
          location / {
            default_type text/plain;
            return 200 "%2$s";
          }
        }
        """.formatted(listen, body);
  }

  public Pod pod() {
    return pod;
  }

  /** The page as other pods reach it: through the pod IP, where a sidecar captures it. */
  public String url() {
    return "http://" + host + ":" + port + "/";
  }

  /** The "Name: value" lines of a response body. */
  public static Map<String, String> fields(String body) {
    Map<String, String> fields = new LinkedHashMap<>();
    body.lines().forEach(line -> {
      int colon = line.indexOf(": ");
      if (colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 2));
      } else if (line.endsWith(":")) {
        fields.put(line.substring(0, line.length() - 1), "");
      }
    });
    return fields;
  }
}
