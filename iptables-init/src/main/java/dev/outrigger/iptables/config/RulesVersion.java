package dev.outrigger.iptables.config;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which Istio release's istio-iptables rules to write. Each constant covers the releases whose rules
 * are the same for every configuration Outrigger supports (read from run.go and the goldens in
 * tools/istio-iptables/pkg/capture/testdata at each release tag), and says what sets it apart:
 * <ul>
 *   <li>1.13 dropped the ssh (port 22) RETURN under inbound "*";
 *   <li>1.18 added {@code -p tcp ! --dport <tunnel port>} to the lo → ISTIO_IN_REDIRECT rules;
 *   <li>1.23 dropped the trailing {@code ISTIO_OUTPUT -j RETURN} after captured ranges;
 *   <li>1.25 jumps from OUTPUT to ISTIO_OUTPUT for every protocol (not only tcp) and excludes
 *       outbound ports for udp as well as tcp.
 * </ul>
 * and 1.24 jumps to an ISTIO_DROP chain for --drop-invalid. DNS capture (--redirect-dns) has its own
 * history, see {@link DnsLayout}: 1.20 matches the nameserver's replies by their source (1.18 and
 * 1.19 wrote {@code -d}), which is why 1.18–1.19 and 1.20–1.22 are two versions; 1.25 also turns DNS
 * capture off when there is no nameserver to capture. Releases 1.13–1.17 are not offered:
 * asking for one is refused with the list of supported versions rather than answered with rules
 * that are almost right.
 */
public enum RulesVersion {
  /** Istio 1.12.x: the rules of seed 002, kept byte-exact. */
  ISTIO_1_12("1.12", 12, 12, true, false, true, true, false, false, false, DnsLayout.BUILTIN_CHAINS, false, false),
  /** Istio 1.18.x and 1.19.x. */
  ISTIO_1_19("1.19", 18, 19, false, true, true, true, false, false, true, DnsLayout.BUILTIN_CHAINS, false, false),
  /** Istio 1.20.x to 1.22.x. */
  ISTIO_1_22("1.22", 20, 22, false, true, true, true, false, false, true, DnsLayout.BUILTIN_CHAINS, true, false),
  /** Istio 1.23.x. */
  ISTIO_1_23("1.23", 23, 23, false, true, false, true, false, false, true, DnsLayout.ISTIO_OUTPUT_UDP, true, false),
  /** Istio 1.24.x. */
  ISTIO_1_24("1.24", 24, 24, false, true, false, true, false, true, true, DnsLayout.ISTIO_OUTPUT_UDP, true, false),
  /** Istio 1.25.x to 1.30.x (1.30.3 is the newest release read): the default. */
  ISTIO_1_30("1.30", 25, 30, false, true, false, false, true, true, true, DnsLayout.DNS_CHAINS, true, true);

  /** Where a release puts its DNS capture rules. */
  public enum DnsLayout {
    /**
     * Until 1.22: the UDP rules straight in nat OUTPUT and raw OUTPUT/PREROUTING, the TCP redirect
     * in ISTIO_OUTPUT.
     */
    BUILTIN_CHAINS,
    /** 1.23 and 1.24: OUTPUT jumps to ISTIO_OUTPUT for udp too (nat and raw), the UDP rules after the TCP ones. */
    ISTIO_OUTPUT_UDP,
    /** Since 1.25: nat and raw ISTIO_OUTPUT_DNS chains, and raw ISTIO_INBOUND for the replies. */
    DNS_CHAINS
  }

  public static final RulesVersion DEFAULT = ISTIO_1_30;
  private static final Pattern VERSION = Pattern.compile("v?1\\.(\\d+)(?:\\.\\d+)?");

  private final String label;
  private final int firstMinor;
  private final int lastMinor;
  private final boolean sshInboundReturn;
  private final boolean tunnelPortSkipsLoopbackRedirect;
  private final boolean trailingReturnAfterRanges;
  private final boolean tcpOnlyOutputJump;
  private final boolean udpOutboundPortExclusion;
  private final boolean invalidDropChain;
  private final boolean ownerGroupsAndLoopbackCidr;
  private final DnsLayout dnsLayout;
  private final boolean dnsRepliesMatchedBySource;
  private final boolean dnsCaptureNeedsNameservers;

  RulesVersion(String label, int firstMinor, int lastMinor, boolean sshInboundReturn, boolean tunnelPortSkipsLoopbackRedirect,
      boolean trailingReturnAfterRanges, boolean tcpOnlyOutputJump, boolean udpOutboundPortExclusion,
      boolean invalidDropChain, boolean ownerGroupsAndLoopbackCidr, DnsLayout dnsLayout,
      boolean dnsRepliesMatchedBySource, boolean dnsCaptureNeedsNameservers) {
    this.label = label;
    this.firstMinor = firstMinor;
    this.lastMinor = lastMinor;
    this.sshInboundReturn = sshInboundReturn;
    this.tunnelPortSkipsLoopbackRedirect = tunnelPortSkipsLoopbackRedirect;
    this.trailingReturnAfterRanges = trailingReturnAfterRanges;
    this.tcpOnlyOutputJump = tcpOnlyOutputJump;
    this.udpOutboundPortExclusion = udpOutboundPortExclusion;
    this.invalidDropChain = invalidDropChain;
    this.ownerGroupsAndLoopbackCidr = ownerGroupsAndLoopbackCidr;
    this.dnsLayout = dnsLayout;
    this.dnsRepliesMatchedBySource = dnsRepliesMatchedBySource;
    this.dnsCaptureNeedsNameservers = dnsCaptureNeedsNameservers;
  }

  /** Accepts "1.N" or "1.N.P" (a leading "v" too); empty means {@link #DEFAULT}. */
  public static RulesVersion parse(String text) {
    String trimmed = text.trim();
    if (trimmed.isEmpty()) {
      return DEFAULT;
    }
    Matcher version = VERSION.matcher(trimmed);
    if (version.matches()) {
      int minor = Integer.parseInt(version.group(1));
      for (RulesVersion candidate : values()) {
        if (minor >= candidate.firstMinor && minor <= candidate.lastMinor) {
          return candidate;
        }
      }
    }
    throw new IllegalArgumentException("'" + text + "' is not a supported Istio version (supported: " + supported() + ")");
  }

  /** "1.12, 1.25-1.30 (default)": what the refusal and the help text list. */
  public static String supported() {
    return Arrays.stream(values()).map(RulesVersion::range).collect(Collectors.joining(", "));
  }

  private String range() {
    String range = firstMinor == lastMinor ? "1." + firstMinor : "1." + firstMinor + "-1." + lastMinor;
    return this == DEFAULT ? range + " (default)" : range;
  }

  public String label() {
    return label;
  }

  /** Inbound "*" never captures port 22 (until 1.13). */
  public boolean sshInboundReturn() {
    return sshInboundReturn;
  }

  /** The proxy's lo connections to the tunnel port are not sent to inbound capture (since 1.18). */
  public boolean tunnelPortSkipsLoopbackRedirect() {
    return tunnelPortSkipsLoopbackRedirect;
  }

  /** ISTIO_OUTPUT ends with "-j RETURN" when only listed ranges are captured (until 1.23). */
  public boolean trailingReturnAfterRanges() {
    return trailingReturnAfterRanges;
  }

  /** OUTPUT jumps to ISTIO_OUTPUT for tcp only (until 1.25). */
  public boolean tcpOnlyOutputJump() {
    return tcpOnlyOutputJump;
  }

  /** An excluded outbound port is excluded for udp too (since 1.25). */
  public boolean udpOutboundPortExclusion() {
    return udpOutboundPortExclusion;
  }

  /** --drop-invalid jumps to an ISTIO_DROP chain (since 1.24) rather than to DROP itself. */
  public boolean invalidDropChain() {
    return invalidDropChain;
  }

  /** ISTIO_OUTBOUND_OWNER_GROUPS(_EXCLUDE) and ISTIO_OUTBOUND_IPV4_LOOPBACK_CIDR exist (since 1.14). */
  public boolean ownerGroupsAndLoopbackCidr() {
    return ownerGroupsAndLoopbackCidr;
  }

  /** --iptables-trace-logging exists (until 1.24; 1.25 removed it). */
  public boolean traceLogging() {
    return lastMinor <= 24;
  }

  public DnsLayout dnsLayout() {
    return dnsLayout;
  }

  /**
   * The raw PREROUTING rule that puts a nameserver's replies in conntrack zone 1 matches them by
   * source address (since 1.20; 1.12 to 1.19 wrote {@code -d <nameserver>}, which replies never match).
   */
  public boolean dnsRepliesMatchedBySource() {
    return dnsRepliesMatchedBySource;
  }

  /**
   * --redirect-dns without --capture-all-dns and without a nameserver in resolv.conf writes no DNS
   * rules at all (since 1.25); earlier releases still wrote the proxy's RETURNs and conntrack zones.
   */
  public boolean dnsCaptureNeedsNameservers() {
    return dnsCaptureNeedsNameservers;
  }

  @Override
  public String toString() {
    return label;
  }
}
