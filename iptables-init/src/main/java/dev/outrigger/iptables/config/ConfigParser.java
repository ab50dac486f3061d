package dev.outrigger.iptables.config;

import dev.outrigger.iptables.net.InterfaceName;
import dev.outrigger.iptables.net.OwnerIds;
import dev.outrigger.iptables.net.Port;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/** Turns raw flag values into {@link Settings}, naming the flag in every refusal. */
public final class ConfigParser {
  private final ProxyUser proxyUser;
  private final String envoyUser;

  /** @param envoyUser the value of $ENVOY_USER, or null */
  public ConfigParser(ProxyUser proxyUser, String envoyUser) {
    this.proxyUser = proxyUser;
    this.envoyUser = envoyUser;
  }

  public Settings parse(RawOptions raw) throws InvalidOptionException {
    String uids = raw.proxyUid().isBlank() ? proxyUser.defaultUid(envoyUser) : raw.proxyUid();
    // istio-iptables: the gid list defaults to the uid list (the proxy's uid and gid are equal).
    String gids = raw.proxyGid().isBlank() ? uids : raw.proxyGid();
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
        field(Flags.RULES_VERSION, raw.rulesVersion(), RulesVersion::parse),
        raw.dropInvalid(),
        ownerGroups(raw),
        envField(LoopbackCidr.ENV, raw.ipv4LoopbackCidr(), LoopbackCidr::parse),
        new TproxyRouting(field(Flags.TPROXY_MARK, raw.tproxyMark(), TproxyRouting::parseMark),
            field(Flags.TPROXY_ROUTE_TABLE, raw.tproxyRouteTable(), TproxyRouting::parseRouteTable)));
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
