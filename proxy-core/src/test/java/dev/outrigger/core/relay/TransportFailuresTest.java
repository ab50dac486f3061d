package dev.outrigger.core.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** Envoy's transport failure reason from the exceptions Netty's epoll connect gives. */
class TransportFailuresTest {

  @Test
  void aFailedConnectIsEnvoysDelayedConnectErrorWithTheKernelsText() {
    assertEquals("delayed connect error: Connection refused", TransportFailures.reason(new ConnectException(
        "finishConnect(..) failed with error(-111): Connection refused: localhost/127.0.0.1:43327")));
    assertEquals("delayed connect error: No route to host", TransportFailures.reason(new ConnectException(
        "finishConnect(..) failed: No route to host: /10.1.2.3:80")));
  }

  @Test
  void aTimedOutConnectHasNoReasonAsInEnvoy() {
    assertNull(TransportFailures.reason(new ConnectTimeoutException("connection timed out after 300 ms: /10.0.0.1:80")));
  }
}
