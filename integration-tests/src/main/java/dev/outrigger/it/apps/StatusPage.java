package dev.outrigger.it.apps;

import dev.outrigger.it.harness.Pod;
import java.util.List;

/** nginx answering every request with one fixed status and "Hostname: &lt;pod&gt;": an endpoint that is up but failing. */
public final class StatusPage {
  private StatusPage() {}

  /** Starts nginx in the pod on 0.0.0.0:port answering {@code status} to everything. */
  public static void start(Pod pod, int port, int status) {
    String server = """
        server {
          listen 0.0.0.0:%1$d;
          location / {
            default_type text/plain;
            return %2$d "Hostname: %3$s\\n";
          }
        }
        """.formatted(port, status, pod.name());
    Nginx.start(pod, "nginx-status-" + status, server, List.of(port));
  }
}
