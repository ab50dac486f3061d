package dev.outrigger.iptables;

import dev.outrigger.iptables.config.ConfigParser;
import dev.outrigger.iptables.config.Flags;
import dev.outrigger.iptables.config.InvalidOptionException;
import dev.outrigger.iptables.config.LoopbackCidr;
import dev.outrigger.iptables.config.OwnerGroups;
import dev.outrigger.iptables.config.ProxyUser;
import dev.outrigger.iptables.config.RawOptions;
import dev.outrigger.iptables.config.Settings;
import dev.outrigger.iptables.logging.IstioLogOptions;
import dev.outrigger.iptables.logging.LogbackLevel;
import dev.outrigger.iptables.exec.NamespaceRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code outrigger iptables}: istio-iptables' flags and environment, Outrigger's rules engine. */
@Command(
    name = "iptables",
    // Istio's injection template runs "<image entrypoint> istio-iptables ...": the same args work with our image.
    aliases = "istio-iptables",
    defaultValueProvider = EnvDefaults.class,
    sortOptions = false,
    description = {"Set up the pod's traffic capture rules; a drop-in for istio-iptables.",
        "Every option can also be set by the environment variable of its long name upper-cased, '-' -> '_'."})
public final class IptablesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-p", Flags.ENVOY_PORT}, defaultValue = "15001", description = "Port outbound TCP is redirected to (default: ${DEFAULT-VALUE}).")
  String envoyPort;
  @Option(names = {"-z", Flags.INBOUND_CAPTURE_PORT}, defaultValue = "15006", description = "Port inbound TCP is redirected to (default: ${DEFAULT-VALUE}).")
  String inboundCapturePort;
  @Option(names = {"-e", Flags.INBOUND_TUNNEL_PORT}, defaultValue = "15008", description = "Inbound tunnel port, never captured (default: ${DEFAULT-VALUE}).")
  String inboundTunnelPort;
  @Option(names = {"-u", Flags.PROXY_UID}, defaultValue = "",
      description = "Comma list of uids whose traffic is not captured (default: uid of $ENVOY_USER or istio-proxy, else 1337).")
  String proxyUid;
  @Option(names = {"-g", Flags.PROXY_GID}, defaultValue = "", description = "Comma list of gids (default: the uids).")
  String proxyGid;
  @Option(names = {"-m", Flags.INTERCEPTION_MODE}, defaultValue = "REDIRECT",
      description = "REDIRECT (default: nat) or TPROXY (mangle; the app sees the client's address).")
  String interceptionMode;
  @Option(names = {"-t", Flags.TPROXY_MARK}, defaultValue = "",
      description = "TPROXY: mark of diverted packets and of the proxy's connections to the app (default: 1337).")
  String tproxyMark;
  @Option(names = {"-r", Flags.TPROXY_ROUTE_TABLE}, defaultValue = "",
      description = "TPROXY: routing table of the policy route for that mark (default: 133).")
  String tproxyRouteTable;
  @Option(names = {"-b", Flags.INBOUND_PORTS}, defaultValue = "", description = "Inbound ports to capture; '*' = all, empty = none.")
  String inboundPorts;
  @Option(names = {"-d", Flags.LOCAL_EXCLUDE_PORTS}, defaultValue = "", description = "Inbound ports to leave alone (with '*').")
  String localExcludePorts;
  @Option(names = {"-i", Flags.SERVICE_CIDR}, defaultValue = "", description = "Outbound CIDRs to capture; '*' = all, empty = none.")
  String serviceCidr;
  @Option(names = {"-x", Flags.SERVICE_EXCLUDE_CIDR}, defaultValue = "", description = "Outbound CIDRs to leave alone.")
  String serviceExcludeCidr;
  @Option(names = {"-q", Flags.OUTBOUND_PORTS}, defaultValue = "", description = "Outbound ports to capture whatever the CIDR.")
  String outboundPorts;
  @Option(names = {"-o", Flags.LOCAL_OUTBOUND_PORTS_EXCLUDE}, defaultValue = "", description = "Outbound ports to leave alone.")
  String localOutboundPortsExclude;
  @Option(names = {"-c", Flags.EXCLUDE_INTERFACES}, defaultValue = "", description = "Interfaces with no capture in or out.")
  String excludeInterfaces;
  @Option(names = {"-k", Flags.KUBE_VIRT_INTERFACES}, defaultValue = "",
      description = "Virtual interfaces (KubeVirt) whose inbound traffic is the pod's outbound traffic.")
  String kubeVirtInterfaces;
  @Option(names = {"-n", Flags.DRY_RUN}, defaultValue = "false", arity = "0..1", fallbackValue = "true",
      converter = LenientBoolean.class, description = "Print the rules (iptables-restore input), change nothing.")
  boolean dryRun;
  @Option(names = Flags.CLEANUP_ONLY, defaultValue = "false", arity = "0..1", fallbackValue = "true",
      converter = LenientBoolean.class, description = "Only remove ISTIO_* chains and the jumps into them.")
  boolean cleanupOnly;
  @Option(names = Flags.SKIP_RULE_APPLY, defaultValue = "false", arity = "0..1", fallbackValue = "true",
      converter = LenientBoolean.class, description = "Do not apply rules (use with --run-validation).")
  boolean skipRuleApply;
  @Option(names = Flags.RUN_VALIDATION, defaultValue = "false", arity = "0..1", fallbackValue = "true",
      converter = LenientBoolean.class, description = "Check with real sockets that the redirect works (exit 126 if not).")
  boolean runValidation;
  @Option(names = Flags.PROBE_PORT, defaultValue = "15002", description = "Port the validation client dials (default: ${DEFAULT-VALUE}).")
  String probePort;
  @Option(names = Flags.PROBE_TIMEOUT, defaultValue = "5s", description = "Validation timeout, a Go duration (default: ${DEFAULT-VALUE}).")
  String probeTimeout;
  @Option(names = Flags.FORCE_APPLY, defaultValue = "false", arity = "0..1", fallbackValue = "true",
      converter = LenientBoolean.class, description = "Accepted: every run writes the whole table anyway.")
  boolean forceApply;
  @Option(names = Flags.NATIVE_NFTABLES, defaultValue = "false", arity = "0..1", fallbackValue = "true",
      converter = LenientBoolean.class, description = "Refused when true: only iptables rules are written.")
  boolean nativeNftables;
  @Option(names = Flags.RULES_VERSION, defaultValue = "",
      description = "Write the rules of this Istio release: 1.12, or 1.18 to 1.30 (default: 1.30, the newest); also OUTRIGGER_RULES_VERSION.")
  String rulesVersion;
  @Option(names = Flags.DROP_INVALID, defaultValue = "false", arity = "0..1", fallbackValue = "true",
      converter = LenientBoolean.class, description = "Drop packets conntrack finds INVALID (mangle PREROUTING) instead of letting them reset connections; also INVALID_DROP.")
  boolean dropInvalid;
  @Option(names = Flags.DUAL_STACK, defaultValue = "false", arity = "0..1", fallbackValue = "true",
      converter = LenientBoolean.class, description = "Accepted (also ISTIO_DUAL_STACK): IPv6 rules are written whenever the pod has a global IPv6 address.")
  boolean dualStack;
  @Option(names = Flags.NETWORK_NAMESPACE, defaultValue = "",
      description = "Network namespace (a path, e.g. /var/run/netns/NAME) to write the rules in, entered with nsenter.")
  String networkNamespace;
  @Option(names = Flags.REDIRECT_DNS, defaultValue = "false", arity = "0..1", fallbackValue = "true",
      converter = LenientBoolean.class,
      description = "Send the pod's DNS (udp and tcp port 53 to the nameservers of /etc/resolv.conf) to the agent on 15053; also ISTIO_META_DNS_CAPTURE.")
  boolean redirectDns;
  @Option(names = Flags.CAPTURE_ALL_DNS, defaultValue = "false", arity = "0..1", fallbackValue = "true",
      converter = LenientBoolean.class, description = "With --redirect-dns: capture port 53 to every address, not only the nameservers'.")
  boolean captureAllDns;
  @Option(names = Flags.TRACE_LOGGING, defaultValue = "false", arity = "0..1", fallbackValue = "true",
      converter = LenientBoolean.class,
      description = "Istio 1.12 to 1.24 only: an NFLOG rule (group 1337) ahead of each rule Istio tags, for tracing.")
  boolean traceLogging;
  @Mixin IstioLogOptions logOptions;
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
  boolean help;

  private final Host host;

  public IptablesCommand() {
    this(Host.system());
  }

  IptablesCommand(Host host) {
    this.host = host;
  }

  public static void main(String[] args) {
    System.exit(commandLine(Host.system()).execute(args));
  }

  /** A command line whose environment defaults come from {@code host} rather than the JVM's. */
  static CommandLine commandLine(Host host) {
    return new CommandLine(new IptablesCommand(host)).setDefaultValueProvider(new EnvDefaults(host.env()));
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Settings settings;
    try {
      // First, as istio-iptables configures its log before it reads its other flags.
      logOptions.settings().level().ifPresent(LogbackLevel::apply);
      settings = settings();
    } catch (InvalidOptionException e) {
      err.println("outrigger iptables: " + e.getMessage());
      err.flush();
      return ExitCodes.BAD_OPTION;
    }
    Host target = host;
    if (!networkNamespace.isBlank()) {
      if (settings.actions().runValidation()) {
        err.println("outrigger iptables: invalid " + Flags.label(Flags.NETWORK_NAMESPACE) + ": --run-validation probes"
            + " with sockets of this process, which stays in its own network namespace (run it inside the pod instead)");
        err.flush();
        return ExitCodes.BAD_OPTION;
      }
      Optional<Path> nsenter = host.binaries().find("nsenter");
      if (nsenter.isEmpty()) {
        err.println("outrigger iptables: " + Flags.NETWORK_NAMESPACE + " needs nsenter (util-linux), not found on PATH");
        err.flush();
        return ExitCodes.FAILED;
      }
      target = new Host(host.env(), new NamespaceRunner(host.runner(), nsenter.get(), networkNamespace.trim()),
          host.binaries(), host.passwd(), host.resolvConf());
    }
    return new IptablesRun(target, spec.commandLine().getOut(), err).run(settings);
  }

  Settings settings() throws InvalidOptionException {
    if (nativeNftables) {
      throw new InvalidOptionException(Flags.label(Flags.NATIVE_NFTABLES), "native nftables rules are not supported by"
          + " outrigger iptables, which writes iptables rules (through iptables-nft where the host uses nftables)"
          + " (expected: false)");
    }
    ConfigParser parser = new ConfigParser(new ProxyUser(host.passwd()), host.env().get(Flags.ENVOY_USER_ENV), host.resolvConf());
    return parser.parse(new RawOptions(envoyPort, inboundCapturePort, inboundTunnelPort, proxyUid, proxyGid,
        interceptionMode, inboundPorts, localExcludePorts, serviceCidr, serviceExcludeCidr, outboundPorts,
        localOutboundPortsExclude, excludeInterfaces, kubeVirtInterfaces, probePort, probeTimeout, dryRun, cleanupOnly, skipRuleApply,
        runValidation, rulesVersion, dropInvalid, host.env().get(OwnerGroups.INCLUDE_ENV),
        host.env().get(OwnerGroups.EXCLUDE_ENV), host.env().get(LoopbackCidr.ENV), tproxyMark, tproxyRouteTable,
        redirectDns, captureAllDns, traceLogging, spec.commandLine().getParseResult().hasMatchedOption(Flags.TRACE_LOGGING)));
  }
}
