package dev.outrigger.core.tls;

/**
 * The x-forwarded-client-cert element Envoy adds for a client that presented a certificate, as
 * Istio configures the sidecar's inbound HCM (forward_client_cert_details APPEND_FORWARD,
 * set_current_client_cert_details subject, uri and dns), in Envoy's order
 * (ConnectionManagerUtility::mutateXfccRequestHeader): {@code By=<our URI SAN>} for each of ours,
 * {@code Hash=<hex SHA-256 of the client's DER certificate>}, {@code Subject="<subject>"} (always,
 * quoted, empty for istiod's certificates; the subject as BoringSSL prints it, not escaped further),
 * {@code URI=<client URI SAN>} for each (a bare {@code URI=} when there is none), then
 * {@code DNS=<client DNS SAN>} for each (nothing when there is none), joined by {@code ;}. By, URI
 * and DNS are not quoted, as Envoy does not (its TODO about special characters there).
 */
public final class ForwardedClientCert {
  private ForwardedClientCert() {}

  public static String element(DownstreamTls tls) {
    StringBuilder b = new StringBuilder();
    for (String by : tls.localUriSans()) {
      b.append("By=").append(by).append(';');
    }
    b.append("Hash=").append(tls.peer().sha256Hex());
    b.append(";Subject=\"").append(tls.peerSubject()).append('"');
    if (tls.peer().uriSans().isEmpty()) {
      b.append(";URI=");
    }
    for (String uri : tls.peer().uriSans()) {
      b.append(";URI=").append(uri);
    }
    for (String dns : tls.peerDnsSans()) {
      b.append(";DNS=").append(dns);
    }
    return b.toString();
  }

  /** APPEND_FORWARD: the client's own elements kept, ours appended after a comma. */
  public static String appendForward(String existing, DownstreamTls tls) {
    String mine = element(tls);
    return existing == null || existing.isEmpty() ? mine : existing + "," + mine;
  }
}
