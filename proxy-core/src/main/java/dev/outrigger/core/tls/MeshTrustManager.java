package dev.outrigger.core.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies a mesh peer as Envoy does with Istio's validation context: the chain must lead to one of
 * the mesh roots, and the leaf's URI SAN must be one of the accepted SPIFFE identities (any, when
 * none are configured, as for an inbound listener that authorizes later). No hostname check: the
 * SNI is a cluster name, not the peer's identity.
 */
public final class MeshTrustManager extends X509ExtendedTrustManager {
  private final Set<TrustAnchor> anchors;
  private final List<X509Certificate> roots;
  private final List<String> acceptedSans;

  public MeshTrustManager(List<X509Certificate> roots, List<String> acceptedSans) {
    this.roots = List.copyOf(roots);
    this.anchors = roots.stream().map(r -> new TrustAnchor(r, null)).collect(Collectors.toUnmodifiableSet());
    this.acceptedSans = List.copyOf(acceptedSans);
  }

  private void verify(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateVerifyException("verify cert failed: empty cert chain", "peer presented no certificate", null);
    }
    try {
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false); // Istio's roots publish no CRL; Envoy checks none by default
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(Arrays.asList(chain)), params);
    } catch (CertPathValidatorException e) {
      String detail = X509VerifyError.describe(e, chain);
      throw new CertificateVerifyException("verify cert failed: " + detail,
          "peer certificate refused: " + detail + " (" + e.getMessage() + ")", e);
    } catch (GeneralSecurityException e) {
      throw new CertificateVerifyException("verify cert failed: init and setup X509_STORE_CTX",
          "peer certificate could not be verified: " + e.getMessage(), e);
    }
    if (acceptedSans.isEmpty()) {
      return;
    }
    List<String> presented = PeerIdentity.uriSans(chain[0]);
    for (String san : presented) {
      if (acceptedSans.contains(san)) {
        return;
      }
    }
    throw new SanMismatchException(presented, acceptedSans);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    verify(chain);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return roots.toArray(new X509Certificate[0]);
  }
}
