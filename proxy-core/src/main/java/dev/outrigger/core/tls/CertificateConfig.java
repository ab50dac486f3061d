package dev.outrigger.core.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Where the workload's certificate comes from, read from the environment by pilot-agent's names
 * (pilot/cmd/pilot-agent/options, pkg/istio-agent): istiod's CA by default, or files when
 * FILE_MOUNTED_CERTS is true.
 *
 * @param fileMounted FILE_MOUNTED_CERTS: read {@link #files()} instead of asking a CA
 * @param files Istio's /etc/certs/{cert-chain,key,root-cert}.pem; OUTRIGGER_CERT_DIR (Outrigger's
 *     name; Istio's directory is fixed) names another directory with the same file names
 * @param caAddress CA_ADDR, else the discovery address (as pilot-agent defaults it)
 * @param trustDomain TRUST_DOMAIN (cluster.local): the trust domain of the SPIFFE id asked for;
 *     the identity the workload has is the one the CA puts in the certificate
 * @param namespace POD_NAMESPACE, for the SPIFFE id
 * @param serviceAccount SERVICE_ACCOUNT, for the SPIFFE id
 * @param ttl SECRET_TTL (24h): the validity asked of the CA
 * @param graceRatio SECRET_GRACE_PERIOD_RATIO (0.5): renew when this share of the lifetime is left
 * @param graceRatioJitter SECRET_GRACE_PERIOD_RATIO_JITTER (0.01): the ratio moves by up to this
 *     much either way, at random, so that proxies started together do not renew together
 * @param keyType ECC_SIGNATURE_ALGORITHM (ECDSA, with ECC_CURVE P256 or P384) or RSA with
 *     WORKLOAD_RSA_KEY_SIZE (2048). Outrigger's default is ECDSA P256 where pilot-agent's is RSA;
 *     ECC_SIGNATURE_ALGORITHM=RSA (not an Istio value) asks for RSA
 */
public record CertificateConfig(boolean fileMounted, CertificateFiles files, String caAddress, String trustDomain,
    String namespace, String serviceAccount, Duration ttl, double graceRatio, double graceRatioJitter,
    KeyType keyType) {

  public static final String FILE_MOUNTED_CERTS = "FILE_MOUNTED_CERTS";
  public static final String CERT_DIR = "OUTRIGGER_CERT_DIR";
  public static final String CA_ADDR = "CA_ADDR";
  public static final String TRUST_DOMAIN = "TRUST_DOMAIN";
  public static final String POD_NAMESPACE = "POD_NAMESPACE";
  public static final String SERVICE_ACCOUNT = "SERVICE_ACCOUNT";
  public static final String SECRET_TTL = "SECRET_TTL";
  public static final String SECRET_GRACE_PERIOD_RATIO = "SECRET_GRACE_PERIOD_RATIO";
  public static final String SECRET_GRACE_PERIOD_RATIO_JITTER = "SECRET_GRACE_PERIOD_RATIO_JITTER";
  public static final String ECC_SIGNATURE_ALGORITHM = "ECC_SIGNATURE_ALGORITHM";
  public static final String ECC_CURVE = "ECC_CURVE";
  public static final String WORKLOAD_RSA_KEY_SIZE = "WORKLOAD_RSA_KEY_SIZE";

  public CertificateConfig {
    if (!(graceRatio > 0 && graceRatio < 1)) {
      throw new IllegalArgumentException(SECRET_GRACE_PERIOD_RATIO + "=" + graceRatio + " (expected: above 0, below 1)");
    }
    if (!(graceRatioJitter >= 0 && graceRatioJitter < 1)) {
      throw new IllegalArgumentException(SECRET_GRACE_PERIOD_RATIO_JITTER + "=" + graceRatioJitter
          + " (expected: 0 or more, below 1)");
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException(SECRET_TTL + "=" + ttl + " (expected: more than 0)");
    }
  }

  /** The SPIFFE id asked of the CA. */
  public SpiffeId requestedIdentity() {
    return SpiffeId.forWorkload(trustDomain, namespace, serviceAccount);
  }

  /**
   * @param discoveryAddress istiod's address, CA_ADDR's default
   * @throws IllegalArgumentException naming the variable and what was expected
   */
  public static CertificateConfig fromEnvironment(Map<String, String> env, String discoveryAddress) {
    boolean fileMounted = fileMounted(env);
    Path dir = get(env, CERT_DIR, CertificateFiles.ISTIO_DIRECTORY, Path::of);
    String caAddress = get(env, CA_ADDR, discoveryAddress, s -> s);
    String trustDomain = get(env, TRUST_DOMAIN, "cluster.local", s -> s);
    String namespace = get(env, POD_NAMESPACE, null, s -> s);
    String serviceAccount = get(env, SERVICE_ACCOUNT, null, s -> s);
    if (!fileMounted && (namespace == null || serviceAccount == null)) {
      throw new IllegalArgumentException((namespace == null ? POD_NAMESPACE : SERVICE_ACCOUNT)
          + " is not set (needed for the SPIFFE id asked of istiod's CA; the injector sets it, or set "
          + FILE_MOUNTED_CERTS + "=true to read certificates from " + dir + ")");
    }
    Duration ttl = get(env, SECRET_TTL, Duration.ofHours(24), GoDuration::parse);
    double ratio = get(env, SECRET_GRACE_PERIOD_RATIO, 0.5, Double::parseDouble);
    double jitter = get(env, SECRET_GRACE_PERIOD_RATIO_JITTER, 0.01, Double::parseDouble);
    KeyType keyType = keyType(env);
    return new CertificateConfig(fileMounted, CertificateFiles.in(dir), caAddress, trustDomain, namespace,
        serviceAccount, ttl, ratio, jitter, keyType);
  }

  private static KeyType keyType(Map<String, String> env) {
    String algorithm = get(env, ECC_SIGNATURE_ALGORITHM, "ECDSA", s -> s.toUpperCase(Locale.ROOT));
    return switch (algorithm) {
      case "ECDSA" -> get(env, ECC_CURVE, new KeyType.Ecdsa("P256"), KeyType.Ecdsa::new);
      case "RSA" -> get(env, WORKLOAD_RSA_KEY_SIZE, new KeyType.Rsa(2048), s -> new KeyType.Rsa(Integer.parseInt(s)));
      default -> throw new IllegalArgumentException(ECC_SIGNATURE_ALGORITHM + "=" + env.get(ECC_SIGNATURE_ALGORITHM)
          + " (expected: ECDSA, or RSA)");
    };
  }

  /**
   * FILE_MOUNTED_CERTS: whether certificates come from mounted files rather than a CA.
   *
   * @throws IllegalArgumentException when the value is not a boolean
   */
  public static boolean fileMounted(Map<String, String> env) {
    return get(env, FILE_MOUNTED_CERTS, false, CertificateConfig::bool);
  }

  private static boolean bool(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> throw new IllegalArgumentException("'" + s + "' (expected: true or false)");
    };
  }

  /** The variable's value, or the default when unset or blank; a bad value names the variable. */
  private static <T> T get(Map<String, String> env, String name, T fallback, Function<String, T> parse) {
    String raw = env.get(name);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      return parse.apply(raw.trim());
    } catch (RuntimeException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (why.startsWith("'") || why.startsWith(name) || why.contains("expected")) {
        throw new IllegalArgumentException(name + "=" + raw.trim() + ": " + why, e);
      }
      throw new IllegalArgumentException(name + "=" + raw.trim() + " (not a valid value: " + why + ")", e);
    }
  }
}
