package dev.outrigger.it.apps;

import dev.outrigger.it.harness.Pod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
  private static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(10);

  private final Pod pod;
  private final int port;

  private EchoPage(Pod pod, int port) {
    this.pod = pod;
    this.port = port;
  }

  /** Starts nginx in the pod on 0.0.0.0:port, with its config, pid and temp files in the pod's work dir. */
  public static EchoPage start(Pod pod, int port) {
    Path prefix = pod.workDir().resolve("nginx");
    try {
      Files.createDirectories(prefix);
      Files.writeString(prefix.resolve("nginx.conf"), config(pod, prefix, port));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the nginx config", e);
    }
    // -e: the error log before the config is read; otherwise nginx tries /var/log/nginx.
    pod.start("nginx", List.of("nginx", "-p", prefix.toString(), "-c", "nginx.conf",
        "-e", prefix.resolve("error.log").toString()));
    pod.awaitListening("0.0.0.0", port, LISTEN_TIMEOUT);
    return new EchoPage(pod, port);
  }

  /**
   * Master in the foreground so the harness owns it; workers as nobody, which needs nothing
   * but the work dir to be traversable. The body mirrors the seed's echo page.
   */
  private static String config(Pod pod, Path prefix, int port) {
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
        daemon off;
        master_process on;
        user nobody nogroup;
        worker_processes 1;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log warn;
        events { worker_connections 64; }
        http {
          access_log off;
          client_body_temp_path %1$s/client_body;
          proxy_temp_path %1$s/proxy;
          fastcgi_temp_path %1$s/fastcgi;
          uwsgi_temp_path %1$s/uwsgi;
          scgi_temp_path %1$s/scgi;
          server {
            listen 0.0.0.0:%2$d;
            location / {
              default_type text/plain;
              return 200 "%3$s";
            }
          }
        }
        """.formatted(prefix, port, body);
  }

  public Pod pod() {
    return pod;
  }

  /** The page as other pods reach it: through the pod IP, where a sidecar captures it. */
  public String url() {
    return "http://" + pod.ip() + ":" + port + "/";
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
