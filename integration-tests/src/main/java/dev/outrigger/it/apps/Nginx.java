package dev.outrigger.it.apps;

import dev.outrigger.it.harness.Pod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * An nginx in a pod, owned by the harness: master in the foreground, config, pid and temp files in
 * the pod's work dir, so several instances can run in one pod under different names.
 */
final class Nginx {
  private static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(10);

  private Nginx() {}

  /**
   * Starts nginx with the given {@code server { ... }} blocks and waits until each port listens on
   * 0.0.0.0. Workers run as nobody, which needs nothing but the work dir to be traversable.
   */
  static void start(Pod pod, String instance, String serverBlocks, List<Integer> ports) {
    start(pod, instance, serverBlocks, "0.0.0.0", ports);
  }

  /** As above, waiting until each port listens on {@code listenIp} (an IPv6 address for an IPv6 listener). */
  static void start(Pod pod, String instance, String serverBlocks, String listenIp, List<Integer> ports) {
    Path prefix = pod.workDir().resolve(instance);
    try {
      Files.createDirectories(prefix);
      Files.writeString(prefix.resolve("nginx.conf"), config(prefix, serverBlocks));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the nginx config of " + instance, e);
    }
    // -e: the error log before the config is read; otherwise nginx tries /var/log/nginx.
    pod.start(instance, List.of("nginx", "-p", prefix.toString(), "-c", "nginx.conf",
        "-e", prefix.resolve("error.log").toString()));
    ports.forEach(port -> pod.awaitListening(listenIp, port, LISTEN_TIMEOUT));
  }

  private static String config(Path prefix, String serverBlocks) {
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
        %2$s
        }
        """.formatted(prefix, serverBlocks.indent(2).stripTrailing());
  }
}
