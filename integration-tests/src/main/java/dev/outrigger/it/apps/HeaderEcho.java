package dev.outrigger.it.apps;

import dev.outrigger.it.harness.Pod;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An nginx app that answers every request with the request headers it received, one
 * "name: value" line each (empty when absent), plus what it saw of the connection. It listens for
 * HTTP/1.1 on one port and for h2c (HTTP/2 with prior knowledge) on another: nginx 1.22 cannot
 * take both on one plaintext port. nginx's own {@code Server} header is left on the response.
 */
public final class HeaderEcho {
  /** The request headers echoed, lower case. */
  public static final List<String> HEADERS = List.of(
      "host", "user-agent", "x-request-id", "x-envoy-attempt-count", "x-forwarded-proto", "x-forwarded-for",
      "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "traceparent",
      "connection", "keep-alive", "proxy-connection", "te", "upgrade", "x-hop", "x-end-to-end",
      "content-length", "transfer-encoding");
  /** Lines about the request and connection rather than headers. */
  public static final String PROTOCOL = "protocol";
  public static final String METHOD = "method";
  public static final String URI = "uri";
  public static final String LOCAL_ADDRESS = "local";
  public static final String REMOTE_ADDRESS = "remote";
  /** Response headers of the relay: what it saw of each trace header on the way through. */
  public static final String RELAY_SAW_PREFIX = "x-relay-saw-";

  private final Pod pod;
  private final int http1Port;
  private final int h2cPort;

  private HeaderEcho(Pod pod, int http1Port, int h2cPort) {
    this.pod = pod;
    this.http1Port = http1Port;
    this.h2cPort = h2cPort;
  }

  /** Starts the echo in the pod on 0.0.0.0, HTTP/1.1 on http1Port and h2c on h2cPort. */
  public static HeaderEcho start(Pod pod, int http1Port, int h2cPort) {
    String location = """
        location / {
          default_type text/plain;
          return 200 "%s";
        }""".formatted(body());
    Nginx.start(pod, "header-echo", servers(http1Port, h2cPort, location), List.of(http1Port, h2cPort));
    return new HeaderEcho(pod, http1Port, h2cPort);
  }

  /**
   * Starts an nginx in the pod that forwards every request over HTTP/1.1 to {@code upstream} (ip:port)
   * with its headers unchanged, and adds to the response, as {@value #RELAY_SAW_PREFIX}&lt;name&gt;, the
   * trace and request-id headers it received: a look at the wire between two sidecars.
   */
  public static HeaderEcho startRelay(Pod pod, int http1Port, int h2cPort, String upstream) {
    String saw = HEADERS.stream().filter(name -> name.startsWith("x-b3-") || name.equals("traceparent")
            || name.equals("x-request-id"))
        .map(name -> "add_header " + RELAY_SAW_PREFIX + name + " \"" + variable(name) + "\" always;")
        .collect(Collectors.joining("\n  "));
    String location = """
        location / {
          proxy_pass http://%s;
          proxy_http_version 1.1;
          proxy_set_header Host $http_host;
          %s
        }""".formatted(upstream, saw);
    Nginx.start(pod, "header-relay", servers(http1Port, h2cPort, location), List.of(http1Port, h2cPort));
    return new HeaderEcho(pod, http1Port, h2cPort);
  }

  private static String servers(int http1Port, int h2cPort, String location) {
    return """
        server {
          listen 0.0.0.0:%1$d;
          %3$s
        }
        server {
          listen 0.0.0.0:%2$d http2;
          %3$s
        }
        """.formatted(http1Port, h2cPort, location.indent(2).strip());
  }

  private static String body() {
    StringBuilder body = new StringBuilder();
    Map.of(PROTOCOL, "$server_protocol", METHOD, "$request_method", URI, "$request_uri",
            LOCAL_ADDRESS, "$server_addr:$server_port", REMOTE_ADDRESS, "$remote_addr:$remote_port")
        .forEach((name, value) -> body.append(name).append(": ").append(value).append("\\n"));
    HEADERS.forEach(name -> body.append(name).append(": ").append(variable(name)).append("\\n"));
    return body.toString();
  }

  /** nginx's variable for a request header: $http_ and the name with '-' as '_'. */
  private static String variable(String header) {
    return "$http_" + header.replace('-', '_');
  }

  public Pod pod() {
    return pod;
  }

  public int http1Port() {
    return http1Port;
  }

  public int h2cPort() {
    return h2cPort;
  }

  /** The app as other pods reach it: through the pod IP, where a sidecar captures it. */
  public String url(boolean h2c, String path) {
    return "http://" + pod.ip() + ":" + (h2c ? h2cPort : http1Port) + path;
  }

  /** The lines of a response body by name: request headers and connection facts. */
  public static Map<String, String> seen(String body) {
    return EchoPage.fields(body);
  }
}
