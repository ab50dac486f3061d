package dev.outrigger.iptables.validation;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dials the probe address until the listener reports success or time runs out. The capture rules
 * only redirect loopback connections owned by the proxy's uid, so when we run as root the sockets
 * are created on a dedicated thread whose filesystem uid/gid are the proxy's: the kernel stamps
 * the fsuid on new sockets and the owner match reads it.
 */
final class ProbeClient {
  private static final Logger log = LoggerFactory.getLogger(ProbeClient.class);
  private static final Duration RETRY_PAUSE = Duration.ofMillis(200);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

  private final ProbeTarget target;
  private final long proxyUid;
  private final long proxyGid;

  ProbeClient(ProbeTarget target, long proxyUid, long proxyGid) {
    this.target = target;
    this.proxyUid = proxyUid;
    this.proxyGid = proxyGid;
  }

  Thread start(Future<?> done, Instant deadline) {
    Thread thread = new Thread(() -> dialUntil(done, deadline), "iptables-validation-client");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private void dialUntil(Future<?> done, Instant deadline) {
    UnixSystem self = new UnixSystem();
    dialOnce(); // as ourselves first, so every class the loop needs is loaded before the fsuid changes
    boolean switched = self.getUid() == 0 && proxyUid != 0;
    if (switched) {
      ThreadFsIds.set((int) proxyUid, (int) proxyGid);
    } else if (self.getUid() != proxyUid) {
      log.warn("validation runs as uid {}, neither root nor the proxy uid {}: its probe cannot be redirected",
          self.getUid(), proxyUid);
    }
    try {
      while (!done.isDone() && Instant.now().isBefore(deadline)) {
        dialOnce();
        Thread.sleep(RETRY_PAUSE.toMillis());
      }
    } catch (InterruptedException stop) {
      Thread.currentThread().interrupt();
    } finally {
      if (switched) {
        ThreadFsIds.set((int) self.getUid(), (int) self.getGid());
      }
    }
  }

  private void dialOnce() {
    try (Socket socket = new Socket()) {
      socket.bind(target.clientSource());
      socket.connect(target.probe(), (int) CONNECT_TIMEOUT.toMillis());
    } catch (IOException refused) {
      log.debug("probe to {} failed: {}", target.probe(), refused.toString());
    }
  }
}
