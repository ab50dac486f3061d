package dev.outrigger.xds.ca;

import java.time.Duration;
import java.util.List;

/** Signs a CSR: istiod's CA ({@link IstioCaClient}), or another CA speaking Istio's protocol. */
@FunctionalInterface
public interface CaClient {
  /**
   * Blocks until the CA answers; call it off the event loops.
   *
   * @return the PEM chain, the leaf first and the root last
   */
  List<String> createCertificate(String csrPem, Duration validity);
}
