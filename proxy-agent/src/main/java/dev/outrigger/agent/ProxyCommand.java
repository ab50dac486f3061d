package dev.outrigger.agent;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.outrigger.agent.dns.DnsProxyConfig;
import dev.outrigger.agent.dns.NameTable;
import dev.outrigger.agent.dns.StaticNames;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import sun.misc.Signal;

/** {@code outrigger proxy}: runs the sidecar until SIGTERM or /quitquitquit, then drains and exits 0. */
@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the sidecar proxy: outbound capture on 15001, inbound on 15006.",
      "Configured by the environment (defaults in brackets):",
      "  OUTRIGGER_INBOUND_MODE     preserve|loopback (Istio: PASSTHROUGH|LOCALHOST) [preserve]",
      "  OUTRIGGER_OUTBOUND_PORT    [15001]   OUTRIGGER_INBOUND_PORT  [15006]",
      "  OUTRIGGER_STATUS_PORT      [15021]   OUTRIGGER_ADMIN_PORT    [15000]",
      "  OUTRIGGER_CONNECT_TIMEOUT  [10s]     OUTRIGGER_IDLE_TIMEOUT  [1h]",
      "  OUTRIGGER_DRAIN_DURATION   [5s]      OUTRIGGER_ACCESS_LOG    on|off [on]",
      "  EXIT_ON_ZERO_ACTIVE_CONNECTIONS true|false: after SIGTERM exit once nothing is open [false]",
      "  MINIMUM_DRAIN_DURATION     drain before connections are counted, with the above [5s]",
      "  OUTRIGGER_ACCESS_LOG_FLUSH_INTERVAL  how often access-log lines reach stdout [1s]",
      "  OUTRIGGER_IPV6             on|off [on]  OUTRIGGER_CONCURRENCY [2]",
      "  OUTRIGGER_LOG_LEVEL        trace|debug|info|warn|error|off [info]",
      "  OUTRIGGER_PROTOCOL_DETECTION on|off: sniff HTTP/1.1 and h2c, else all L4 [on]",
      "  OUTRIGGER_SERVER_FIRST_PORTS extra L4-at-once ports, besides 25,53,3306,27017 []",
      "  OUTRIGGER_ROUTE_TIMEOUT    [0s = none]  OUTRIGGER_MAX_REQUEST_HEADERS_KB [60]",
      "  OUTRIGGER_TRACING          on|off [on]  OUTRIGGER_TRACE_SAMPLING percent [1]",
      "  OUTRIGGER_UPSTREAM_IDLE_TIMEOUT pooled HTTP/1.1 upstream connections [60s]",
      "  OUTRIGGER_ACCESS_LOG_ENCODING  TEXT|JSON (Istio's accessLogEncoding) [TEXT]",
      "  OUTRIGGER_PROMETHEUS_PORT  [15090]   OUTRIGGER_AGENT_PORT    [15020]",
      "  ISTIO_PROMETHEUS_ANNOTATIONS  the app's metrics to merge on the agent port,",
      "                             {\"scrape\":\"true\",\"path\":\"/metrics\",\"port\":\"8080\"} [none]",
      "  OUTRIGGER_APP_METRICS_TIMEOUT [10s]  OUTRIGGER_TCP_REPORTING_INTERVAL [5s]",
      "  Metric labels: POD_NAME, POD_NAMESPACE, ISTIO_META_WORKLOAD_NAME, ISTIO_META_APP,",
      "  ISTIO_META_VERSION, ISTIO_META_CLUSTER_ID, ISTIO_METAJSON_LABELS",
      "xDS (istiod), off unless a discovery address is given:",
      "  PILOT_ADDRESS host:port, or PROXY_CONFIG {\"discoveryAddress\":...} as Istio's injector sets it",
      "  OUTRIGGER_XDS on|off [on when an address is given]  ISTIOD_SAN  XDS_ROOT_CA",
      "  plaintext with controlPlaneAuthPolicy NONE or port 15010; else TLS + the projected token",
      "mTLS (workload certificate):",
      "  FILE_MOUNTED_CERTS true: read OUTRIGGER_CERT_DIR/{cert-chain,key,root-cert}.pem [/etc/certs]",
      "  else istiod's CA when xDS runs over TLS, or CA_ADDR: SECRET_TTL [24h]",
      "  SECRET_GRACE_PERIOD_RATIO [0.5]  ECC_SIGNATURE_ALGORITHM ECDSA|RSA [ECDSA]  TRUST_DOMAIN",
      "  OUTRIGGER_MTLS_MODE STRICT|PERMISSIVE|DISABLE, inbound without istiod",
      "DNS proxy (Istio's DNS capture), off unless ISTIO_META_DNS_CAPTURE=true:",
      "  DNS_PROXY_ADDR [localhost:15053]  upstreams: the nameservers of /etc/resolv.conf",
      "  OUTRIGGER_DNS_UPSTREAM_TIMEOUT [5s]  OUTRIGGER_DNS_CACHE_SIZE [1024]",
      "  OUTRIGGER_DNS_NAME_TABLE file of '<host> <ip>[,<ip>] [<svc>.<ns>]' lines (without istiod)",
      "                             [PERMISSIVE with a certificate, else DISABLE]"
    })
final class ProxyCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ProxyCommand.class);
  static final int EXIT_CONFIG = 2;
  static final int EXIT_START = 1;

  @Override
  public Integer call() throws Exception {
    AgentConfig config;
    Optional<DnsProxyConfig> dns;
    Optional<NameTable> staticNames;
    try {
      config = AgentConfig.fromEnvironment(System.getenv());
      dns = DnsProxyConfig.fromEnvironment(System.getenv());
      String namesFile = System.getenv(StaticNames.ENV);
      staticNames = namesFile == null || namesFile.isBlank() ? Optional.empty() : Optional.of(StaticNames.read(Path.of(namesFile)));
    } catch (IOException | RuntimeException e) { // ConfigException, and a DNS setting or file that is wrong
      System.err.println("outrigger proxy: invalid configuration: " + e.getMessage());
      return EXIT_CONFIG;
    }
    applyLogLevel(config.logLevel());
    Agent agent;
    try {
      agent = new Agent(config, dns, staticNames);
      agent.start();
    } catch (java.io.IOException | LinkageError e) {
      log.error("cannot start: {}", e.getMessage());
      return EXIT_START;
    }
    // A handler of our own: the JVM's default would exit 143 without draining.
    Signal.handle(new Signal("TERM"), s -> agent.requestExit("SIGTERM"));
    Signal.handle(new Signal("INT"), s -> agent.requestExit("SIGINT"));
    agent.awaitExitAndDrain();
    return 0;
  }

  private static void applyLogLevel(String level) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level));
  }
}
