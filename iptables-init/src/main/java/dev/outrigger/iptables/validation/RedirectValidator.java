package dev.outrigger.iptables.validation;

import dev.outrigger.iptables.config.CaptureConfig;
import dev.outrigger.iptables.net.AddressText;
import dev.outrigger.iptables.net.Family;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves, with real sockets in the current network namespace, that the capture rules redirect the
 * proxy-owned loopback traffic to the proxy's ports (istio-iptables --run-validation).
 */
public final class RedirectValidator {
  private static final Logger log = LoggerFactory.getLogger(RedirectValidator.class);

  public void validate(CaptureConfig config, List<Family> families) throws ValidationFailedException {
    for (Family family : families) {
      validate(config, ProbeTarget.of(family, config));
    }
  }

  private void validate(CaptureConfig config, ProbeTarget target) throws ValidationFailedException {
    Duration timeout = config.probeTimeout();
    try (OriginalDstListener listener = OriginalDstListener.start(target)) {
      ProbeClient client = new ProbeClient(target, config.proxyUids().first(), config.proxyGids().first());
      Thread dialer = client.start(listener.redirected(), Instant.now().plus(timeout));
      try {
        InetSocketAddress original = listener.redirected().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        log.info("{} validation passed: a connection to {} was redirected to the proxy", target.family(), original);
      } catch (TimeoutException e) {
        throw new ValidationFailedException("no " + target.family() + " connection to " + text(target.probe())
            + " was redirected to " + target.listeners().stream().map(RedirectValidator::text).toList()
            + " within " + timeout.toMillis() + "ms");
      } catch (ExecutionException e) {
        throw new ValidationFailedException(e.getCause().toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ValidationFailedException("interrupted");
      } finally {
        dialer.interrupt();
      }
    }
  }

  private static String text(InetSocketAddress address) {
    String host = AddressText.format(address.getAddress().getAddress());
    return (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
