package dev.outrigger.iptables.config;

import dev.outrigger.iptables.net.InterfaceName;
import dev.outrigger.iptables.net.OwnerIds;
import dev.outrigger.iptables.net.Port;
import dev.outrigger.iptables.net.Cidr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns raw flag values into {@link Settings}, naming the flag in every refusal. */
public final class ConfigParser {
  private static final Logger log = LoggerFactory.getLogger(ConfigParser.class);
  private final ProxyUser proxyUser;
  private final String envoyUser;
  private final Path resolvConf;

  /**
   * @param envoyUser the value of $ENVOY_USER, or null
   * @param resolvConf where the nameservers are read when DNS is captured (only then, as istio-iptables)
   */
  public ConfigParser(ProxyUser proxyUser, String envoyUser, Path resolvConf) {
    this.proxyUser = proxyUser;
    this.envoyUser = envoyUser;
    this.resolvConf = resolvConf;
  }

  public Settings parse(RawOptions raw) throws InvalidOptionException {
    String uids = raw.proxyUid().isBlank() ? proxyUser.defaultUid(envoyUser) : raw.proxyUid();
    // istio-iptables: the gid list defaults to the uid list (the proxy's uid and gid are equal).
    String gids = raw.proxyGid().isBlank() ? uids : raw.proxyGid();
    RulesVersion rulesVersion = field(Flags.RULES_VERSION, raw.rulesVersion(), RulesVersion::parse);
    CaptureConfig capture = new CaptureConfig(
        field(Flags.ENVOY_PORT, raw.envoyPort(), Port::parse),
        field(Flags.INBOUND_CAPTURE_PORT, raw.inboundCapturePort(), Port::parse),
        field(Flags.INBOUND_TUNNEL_PORT, raw.inboundTunnelPort(), Port::parse),
        field(Flags.PROXY_UID, uids, OwnerIds::parse),
        field(Flags.PROXY_GID, gids, OwnerIds::parse),
        field(Flags.INTERCEPTION_MODE, raw.interceptionMode(), InterceptionMode::parse),
        field(Flags.INBOUND_PORTS, raw.inboundPorts(), PortSelection::parse),
        field(Flags.LOCAL_EXCLUDE_PORTS, raw.localExcludePorts(), Port::parseList),
        field(Flags.SERVICE_CIDR, raw.serviceCidr(), CidrSelection::parse),
        field(Flags.SERVICE_EXCLUDE_CIDR, raw.serviceExcludeCidr(), ExcludedCidrs::parse),
        field(Flags.OUTBOUND_PORTS, raw.outboundPorts(), Port::parseList),
        field(Flags.LOCAL_OUTBOUND_PORTS_EXCLUDE, raw.localOutboundPortsExclude(), Port::parseList),
        field(Flags.EXCLUDE_INTERFACES, raw.excludeInterfaces(), InterfaceName::parseList),
        field(Flags.KUBE_VIRT_INTERFACES, raw.kubeVirtInterfaces(), InterfaceName::parseList),
        field(Flags.PROBE_PORT, raw.probePort(), Port::parse),
        field(Flags.PROBE_TIMEOUT, raw.probeTimeout(), ConfigParser::positiveDuration),
        rulesVersion,
        raw.dropInvalid(),
        ownerGroups(raw),
        envField(LoopbackCidr.ENV, raw.ipv4LoopbackCidr(), LoopbackCidr::parse),
        new TproxyRouting(field(Flags.TPROXY_MARK, raw.tproxyMark(), TproxyRouting::parseMark),
            field(Flags.TPROXY_ROUTE_TABLE, raw.tproxyRouteTable(), TproxyRouting::parseRouteTable)),
        dnsCapture(raw, rulesVersion),
        traceLogging(raw, rulesVersion));
    if (!capture.rulesVersion().ownerGroupsAndLoopbackCidr()) {
      for (String name : List.of(OwnerGroups.INCLUDE_ENV, OwnerGroups.EXCLUDE_ENV, LoopbackCidr.ENV)) {
        String value = name.equals(LoopbackCidr.ENV) ? raw.ipv4LoopbackCidr()
            : name.equals(OwnerGroups.INCLUDE_ENV) ? raw.ownerGroupsInclude() : raw.ownerGroupsExclude();
        if (value != null && !value.isBlank()) {
          throw new InvalidOptionException(name, "Istio " + capture.rulesVersion() + " has no such setting (it came in 1.14;"
              + " use " + Flags.RULES_VERSION + " " + RulesVersion.DEFAULT + ")");
        }
      }
    }
    Actions actions = new Actions(raw.dryRun(), raw.cleanupOnly(), raw.skipRuleApply(), raw.runValidation());
    return new Settings(capture, actions);
  }

  /**
   * A release without the option (1.25 on) rejects the flag as unknown but never reads the variable:
   * IPTABLES_TRACE_LOGGING from a pod's proxyMetadata must not stop its init step, so only the flag is refused.
   */
  private static boolean traceLogging(RawOptions raw, RulesVersion version) throws InvalidOptionException {
    if (!raw.traceLogging() || version.traceLogging()) {
      return raw.traceLogging();
    }
    if (raw.traceLoggingOnCommandLine()) {
      throw new InvalidOptionException(Flags.label(Flags.TRACE_LOGGING), "Istio " + version
          + " has no such option (it went in 1.25; use " + Flags.RULES_VERSION + " 1.24 or earlier)");
    }
    log.warn("{} is set but Istio {} has no trace logging (it went in 1.25): ignored, as Istio {} ignores it",
        Flags.envName(Flags.TRACE_LOGGING), version, version);
    return false;
  }

  private DnsCapture dnsCapture(RawOptions raw, RulesVersion version) throws InvalidOptionException {
    if (!raw.redirectDns()) {
      return DnsCapture.OFF;
    }
    if (raw.captureAllDns()) {
      // As istio-iptables: resolv.conf is not even read, every port-53 destination is captured.
      return new DnsCapture(true, true, List.of());
    }
    List<Cidr> nameservers;
    try {
      nameservers = ResolvConf.nameservers(Files.readString(resolvConf));
    } catch (IOException e) {
      throw new InvalidOptionException(Flags.label(Flags.REDIRECT_DNS), "needs the nameservers of " + resolvConf
          + ", which cannot be read (" + e.getMessage() + "); or use " + Flags.CAPTURE_ALL_DNS);
    }
    if (nameservers.isEmpty() && version.dnsCaptureNeedsNameservers()) {
      log.warn("{} is set but {} is not, and {} names no nameserver: DNS capture disabled (as Istio {})",
          Flags.REDIRECT_DNS, Flags.CAPTURE_ALL_DNS, resolvConf, version);
      return DnsCapture.OFF;
    }
    return new DnsCapture(true, false, nameservers);
  }

  private static OwnerGroups ownerGroups(RawOptions raw) throws InvalidOptionException {
    try {
      return OwnerGroups.parse(raw.ownerGroupsInclude(), raw.ownerGroupsExclude());
    } catch (IllegalArgumentException e) {
      throw new InvalidOptionException(OwnerGroups.INCLUDE_ENV + "/" + OwnerGroups.EXCLUDE_ENV, e.getMessage());
    }
  }

  /** Like {@link #field} for a setting that only exists as an environment variable. */
  private static <T> T envField(String envName, String text, Function<String, T> parser) throws InvalidOptionException {
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidOptionException(envName, e.getMessage());
    }
  }

  private static <T> T field(String longName, String text, Function<String, T> parser) throws InvalidOptionException {
    try {
      return parser.apply(text == null ? "" : text);
    } catch (IllegalArgumentException e) {
      throw new InvalidOptionException(Flags.label(longName), e.getMessage());
    }
  }

  private static Duration positiveDuration(String text) {
    Duration duration = GoDuration.parse(text);
    if (duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException("'" + text + "' must be longer than zero");
    }
    return duration;
  }
}
