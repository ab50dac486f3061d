package dev.outrigger.iptables.istio;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The cases of istio-iptables' run_test.go (the same table at 1.12.9 and 1.30.3) that Outrigger can
 * express, each as the flags that give our command run_test.go's configuration: its base config
 * (ports 15001/15006/15008, uid and gid 1337, no inbound ports, no outbound ranges) plus the
 * case's own settings. "ipv6" is run_test.go's EnableIPv6 / EnableInboundIPv6: Istio then writes an
 * ip6tables table too, which we do when the pod has a global IPv6 address. run_test.go's
 * DNSServersV4/V6 are the nameservers of the resolv.conf our command reads (istio-iptables reads
 * them from /etc/resolv.conf, outside the code the test covers).
 */
public record IstioGoldenCase(String release, String name, boolean ipv6, Map<String, String> env, List<String> caseArgs,
    List<String> nameservers) {
  /** The Istio release each supported rules version was checked against, newest last. */
  public static final List<String> RELEASES = List.of("1.12.9", "1.18.7", "1.22.8", "1.23.6", "1.24.6", "1.30.3");

  /** Cases whose settings Istio 1.12 did not have (the env-only owner groups and loopback range came in 1.14). */
  private static final List<IstioGoldenCase> SINCE_1_14 = List.of(
      withEnv("host-ipv4-loopback-cidr", Map.of("ISTIO_OUTBOUND_IPV4_LOOPBACK_CIDR", "127.0.0.1/8")),
      withEnv("outbound-owner-groups", Map.of("ISTIO_OUTBOUND_OWNER_GROUPS", "java,202")),
      withEnv("outbound-owner-groups-exclude", Map.of("ISTIO_OUTBOUND_OWNER_GROUPS_EXCLUDE", "888,ftp")),
      new IstioGoldenCase("", "ipv6-dns-outbound-owner-groups", true, Map.of("ISTIO_OUTBOUND_OWNER_GROUPS", "java,202"),
          List.of("--redirect-dns"), List.of()),
      new IstioGoldenCase("", "ipv6-dns-outbound-owner-groups-exclude", true,
          Map.of("ISTIO_OUTBOUND_OWNER_GROUPS_EXCLUDE", "888,ftp"), List.of("--redirect-dns"), List.of()));

  /** run_test.go's DNS cases: RedirectDNS with the nameservers it sets (none for the ipv6-dns-* ones). */
  private static final List<IstioGoldenCase> DNS = List.of(
      dns("dns-uid-gid", true, List.of("127.0.0.53", "::127.0.0.53"), "-g", "1,2", "-u", "3,4"),
      dns("ipv6-dns-uid-gid", true, List.of(), "-g", "1,2", "-u", "3,4"),
      dns("ip-range", false, List.of("127.0.0.53"), "-x", "1.1.0.0/16", "-i", "9.9.0.0/16", "-g", "1,2", "-u", "3,4"),
      dns("tproxy", true, List.of("127.0.0.53"), "-m", "TPROXY", "-b", "*", "-i", "9.9.0.0/16", "-x", "1.1.0.0/16",
          "-c", "not-istio-nic"),
      dns("loopback-outbound-iprange", false, List.of("127.0.0.53"), "-i", "127.1.2.3/32", "-g", "1,2", "-u", "3,4"));

  private static final List<IstioGoldenCase> CASES = List.of(
      of("drop-invalid", false, "--drop-invalid"),
      // run_test.go's TraceLogging; the case is gone from 1.25's testdata with the flag.
      of("logging", false, "--iptables-trace-logging"),
      of("empty", false),
      of("ipnets", false, "-i", "10.0.0.0/8"),
      of("inbound-ports-include", false, "-b", "32000,31000"),
      of("inbound-ports-wildcard", false, "-b", "*"),
      of("outbound-ports-include", false, "-q", "32000,31000"),
      of("basic-exclude-nic", false, "-c", "not-istio-nic"),
      of("kube-virt-interfaces", false, "-k", "eth1,eth2", "-i", "*"),
      of("ipnets-with-kube-virt-interfaces", false, "-k", "eth1,eth2", "-i", "10.0.0.0/8"),
      of("ipv6-empty-inbound-ports", true, "-b", ""),
      of("ipv6-inbound-ports", true, "-b", "4000,5000"),
      of("ipv6-virt-interfaces", true, "-b", "4000,5000", "-k", "eth0,eth1"),
      of("ipv6-ipnets", true, "-b", "4000,5000", "-d", "6000,7000,", "-k", "eth0,eth1",
          "-x", "2001:db8::/32", "-i", "2001:db8::/32"),
      of("ipv6-uid-gid", true, "-b", "4000,5000", "-d", "6000,7000", "-k", "eth0,eth1", "-g", "1,2", "-u", "3,4",
          "-x", "2001:db8::/32", "-i", "2001:db8::/32"),
      of("ipv6-outbound-ports", true, "-b", "", "-q", "32000,31000"),
      of("inbound-ports-tproxy", false, "-m", "TPROXY", "-b", "32000,31000"),
      of("inbound-ports-wildcard-tproxy", false, "-m", "TPROXY", "-b", "*"));

  private static IstioGoldenCase of(String name, boolean ipv6, String... args) {
    return new IstioGoldenCase("", name, ipv6, Map.of(), List.of(args), List.of());
  }

  private static IstioGoldenCase withEnv(String name, Map<String, String> env) {
    return new IstioGoldenCase("", name, false, env, List.of(), List.of());
  }

  private static IstioGoldenCase dns(String name, boolean ipv6, List<String> nameservers, String... args) {
    List<String> withDns = new ArrayList<>(List.of(args));
    withDns.add("--redirect-dns");
    return new IstioGoldenCase("", name, ipv6, Map.of(), withDns, nameservers);
  }

  public static Stream<IstioGoldenCase> all() {
    return RELEASES.stream().flatMap(release -> {
      List<IstioGoldenCase> cases = new ArrayList<>(CASES);
      cases.addAll(DNS);
      if (!release.startsWith("1.12.")) {
        cases.addAll(SINCE_1_14);
      }
      // Only the cases the release's testdata has (host-ipv4-loopback-cidr came in 1.21).
      return cases.stream().map(c -> new IstioGoldenCase(release, c.name, c.ipv6, c.env, c.caseArgs, c.nameservers))
          .filter(c -> IstioGoldenCase.class.getResource(c.resource()) != null);
    });
  }

  /** "1.12.9" → "1.12": the --rules-version that reproduces this release. */
  public String rulesVersion() {
    return release.substring(0, release.lastIndexOf('.'));
  }

  /** The flags for our command: run_test.go's base config, the case's settings, the release's rules. */
  public List<String> args() {
    List<String> args = new ArrayList<>(List.of("-p", "15001", "-z", "15006", "-e", "15008"));
    // The base uid and gid unless the case sets its own, as run_test.go's case overrides its base.
    if (!caseArgs.contains("-u")) {
      args.addAll(List.of("-u", "1337", "-g", "1337"));
    }
    args.addAll(caseArgs);
    args.addAll(List.of("--rules-version", rulesVersion()));
    return args;
  }

  /** The resolv.conf our command reads: one nameserver line per server run_test.go sets. */
  public String resolvConf() {
    StringBuilder text = new StringBuilder("search default.svc.cluster.local\n");
    nameservers.forEach(server -> text.append("nameserver ").append(server).append('\n'));
    return text.toString();
  }

  public String resource() {
    return "/istio-goldens/" + release + "/" + name + ".golden";
  }

  @Override
  public String toString() {
    return release + " " + name;
  }
}
