package dev.outrigger.agent;

import dev.outrigger.core.tls.CertificateConfig;
import dev.outrigger.core.tls.PeerAuthenticationMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where the workload's mTLS certificate comes from, and the inbound mode without istiod.
 *
 * <ul>
 *   <li>{@code FILE_MOUNTED_CERTS=true}: files (Istio's /etc/certs, or OUTRIGGER_CERT_DIR), read
 *       again when they change.
 *   <li>Else istiod's CA when xDS is on over TLS (every real mesh: the CA shares istiod's port,
 *       root and token), or when CA_ADDR is set. A plaintext control plane (15010: a test or debug
 *       istiod) has no CA unless CA_ADDR names one.
 *   <li>Else none: no mTLS. istiod's mTLS chains are then refused and ISTIO_MUTUAL endpoints fail
 *       (503 UF), as an Envoy whose SDS never answers.
 * </ul>
 *
 * @param certificates the certificate settings; empty when there is no certificate source
 * @param caPlaintext istiod's CA is dialled without TLS (its address is on port 15010, or it is the
 *     discovery address of a plaintext control plane)
 * @param staticMode OUTRIGGER_MTLS_MODE: the PeerAuthentication mode while istiod has sent no
 *     inbound listener; PERMISSIVE (Istio's default) when there are certificates, else DISABLE
 */
public record MeshTlsConfig(Optional<CertificateConfig> certificates, boolean caPlaintext,
    PeerAuthenticationMode staticMode) {

  public static final String MTLS_MODE = "OUTRIGGER_MTLS_MODE";
  /** How often mounted certificate files are read for changes (Kubernetes updates secret volumes within a minute). */
  static final java.time.Duration FILE_POLL_INTERVAL = java.time.Duration.ofSeconds(1);

  static final MeshTlsConfig NONE = new MeshTlsConfig(Optional.empty(), false, PeerAuthenticationMode.DISABLE);

  boolean fromCa() {
    return certificates.isPresent() && !certificates.get().fileMounted();
  }

  static MeshTlsConfig fromEnvironment(Map<String, String> env, AgentConfig.Env e, Optional<XdsConfig> xds) {
    PeerAuthenticationMode mode = e.get(MTLS_MODE, null, PeerAuthenticationMode::parse);
    boolean fileMounted;
    try {
      fileMounted = CertificateConfig.fileMounted(env);
    } catch (IllegalArgumentException bad) {
      throw new ConfigException(bad.getMessage());
    }
    String caAddr = trimmed(env, CertificateConfig.CA_ADDR);
    boolean ca = !fileMounted && xds.isPresent() && (!xds.get().plaintext() || caAddr != null);
    if (!fileMounted && !ca) {
      if (caAddr != null) {
        throw new ConfigException(CertificateConfig.CA_ADDR + "=" + caAddr
            + ": istiod's CA is reached with xDS's credentials; configure xDS (PILOT_ADDRESS, PROXY_CONFIG) too");
      }
      if (mode != null && mode != PeerAuthenticationMode.DISABLE) {
        throw new ConfigException(MTLS_MODE + "=" + mode + " needs a workload certificate: set "
            + CertificateConfig.FILE_MOUNTED_CERTS + "=true (files in " + CertificateConfig.CERT_DIR
            + ", default /etc/certs) or configure istiod (its CA issues one)");
      }
      return NONE;
    }
    CertificateConfig certificates;
    try {
      certificates = CertificateConfig.fromEnvironment(env, xds.map(XdsConfig::discoveryAddress).orElse(""));
    } catch (IllegalArgumentException bad) {
      throw new ConfigException(bad.getMessage());
    }
    boolean caPlaintext = ca && (certificates.caAddress().endsWith(":" + XdsConfig.PLAINTEXT_PORT)
        || (certificates.caAddress().equals(xds.get().discoveryAddress()) && xds.get().plaintext()));
    return new MeshTlsConfig(Optional.of(certificates), caPlaintext,
        mode == null ? PeerAuthenticationMode.PERMISSIVE : mode);
  }

  private static String trimmed(Map<String, String> env, String key) {
    String v = env.get(key);
    return v == null || v.isBlank() ? null : v.trim();
  }

  /** For /config_dump: the effective values (never key material). */
  void describe(Map<String, Object> dump) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("certificates", certificates.isEmpty() ? "none"
        : certificates.get().fileMounted() ? "files " + certificates.get().files().chain().getParent()
        : "istiod CA " + certificates.get().caAddress() + (caPlaintext ? " (plaintext)" : " (TLS)"));
    certificates.ifPresent(c -> {
      if (!c.fileMounted()) {
        d.put("requested_identity", c.requestedIdentity().toString());
        d.put("key_type", c.keyType().toString());
        d.put("secret_ttl", Durations.format(c.ttl()));
        d.put("grace_period_ratio", c.graceRatio());
      }
    });
    d.put("mode_without_istiod", staticMode.name());
    dump.put(MTLS_MODE, d);
  }
}
