package dev.outrigger.iptables.config;

import java.util.Locale;
import java.util.Optional;

/**
 * istio-iptables' option names, in one place for the picocli annotations and the error messages.
 * Each can also be set by the environment variable of the same name upper-cased with '-' → '_'
 * (viper's AutomaticEnv in istio-iptables), e.g. --envoy-port → ENVOY_PORT.
 */
public final class Flags {
  public static final String ENVOY_PORT = "--envoy-port";
  public static final String INBOUND_CAPTURE_PORT = "--inbound-capture-port";
  public static final String INBOUND_TUNNEL_PORT = "--inbound-tunnel-port";
  public static final String PROXY_UID = "--proxy-uid";
  public static final String PROXY_GID = "--proxy-gid";
  public static final String INTERCEPTION_MODE = "--istio-inbound-interception-mode";
  public static final String TPROXY_MARK = "--istio-inbound-tproxy-mark";
  public static final String TPROXY_ROUTE_TABLE = "--istio-inbound-tproxy-route-table";
  public static final String INBOUND_PORTS = "--istio-inbound-ports";
  public static final String LOCAL_EXCLUDE_PORTS = "--istio-local-exclude-ports";
  public static final String SERVICE_CIDR = "--istio-service-cidr";
  public static final String SERVICE_EXCLUDE_CIDR = "--istio-service-exclude-cidr";
  public static final String OUTBOUND_PORTS = "--istio-outbound-ports";
  public static final String LOCAL_OUTBOUND_PORTS_EXCLUDE = "--istio-local-outbound-ports-exclude";
  public static final String EXCLUDE_INTERFACES = "--istio-exclude-interfaces";
  public static final String KUBE_VIRT_INTERFACES = "--kube-virt-interfaces";
  public static final String FORCE_APPLY = "--force-apply";
  public static final String NATIVE_NFTABLES = "--native-nftables";
  public static final String DRY_RUN = "--dry-run";
  public static final String CLEANUP_ONLY = "--cleanup-only";
  public static final String SKIP_RULE_APPLY = "--skip-rule-apply";
  public static final String RUN_VALIDATION = "--run-validation";
  public static final String PROBE_PORT = "--iptables-probe-port";
  public static final String PROBE_TIMEOUT = "--probe-timeout";
  /** Outrigger's own: which Istio release's rules to write; its variable is OUTRIGGER_RULES_VERSION. */
  public static final String RULES_VERSION = "--rules-version";
  public static final String DROP_INVALID = "--drop-invalid";
  public static final String DUAL_STACK = "--dual-stack";
  public static final String NETWORK_NAMESPACE = "--network-namespace";
  public static final String TRACE_LOGGING = "--iptables-trace-logging";
  public static final String REDIRECT_DNS = "--redirect-dns";
  public static final String CAPTURE_ALL_DNS = "--capture-all-dns";
  /** Env-only: the user whose uid is the default --proxy-uid. */
  public static final String ENVOY_USER_ENV = "ENVOY_USER";

  private Flags() {}

  public static String envName(String longName) {
    if (longName.equals(RULES_VERSION)) {
      // Not an istio-iptables flag: prefixed so that it cannot clash with a variable Istio defines.
      return "OUTRIGGER_RULES_VERSION";
    }
    return longName.replaceFirst("^--", "").replace('-', '_').toUpperCase(Locale.ROOT);
  }

  /**
   * The second variable some options are read from (istio-iptables' flag.AdditionalEnv), which wins
   * over the first when both are set, as it is applied after it; the command line wins over both.
   */
  public static Optional<String> additionalEnvName(String longName) {
    return switch (longName) {
      case DROP_INVALID -> Optional.of("INVALID_DROP");
      case DUAL_STACK -> Optional.of("ISTIO_DUAL_STACK");
      // The proxy's own variable, so one proxyMetadata setting turns on both the rules and the DNS proxy.
      case REDIRECT_DNS -> Optional.of("ISTIO_META_DNS_CAPTURE");
      default -> Optional.empty();
    };
  }

  /** "--envoy-port (ENVOY_PORT)": names both places a bad value can have come from. */
  public static String label(String longName) {
    return longName + " (" + envName(longName) + ")";
  }
}
