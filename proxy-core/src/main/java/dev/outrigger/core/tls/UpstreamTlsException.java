package dev.outrigger.core.tls;

import javax.net.ssl.SSLException;

/** An upstream TLS handshake that failed; the message is Envoy's transport failure reason. */
public final class UpstreamTlsException extends SSLException {
  public UpstreamTlsException(String envoyReason, Throwable cause) {
    super(envoyReason, cause);
  }

  /** Envoy's %UPSTREAM_TRANSPORT_FAILURE_REASON%. */
  public String envoyReason() {
    return getMessage();
  }
}
