package dev.outrigger.iptables.config;

/** Flag values as given on the command line or in the environment, before any validation. */
public record RawOptions(
    String envoyPort,
    String inboundCapturePort,
    String inboundTunnelPort,
    String proxyUid,
    String proxyGid,
    String interceptionMode,
    String inboundPorts,
    String localExcludePorts,
    String serviceCidr,
    String serviceExcludeCidr,
    String outboundPorts,
    String localOutboundPortsExclude,
    String excludeInterfaces,
    String kubeVirtInterfaces,
    String probePort,
    String probeTimeout,
    boolean dryRun,
    boolean cleanupOnly,
    boolean skipRuleApply,
    boolean runValidation,
    String rulesVersion,
    boolean dropInvalid,
    String ownerGroupsInclude,
    String ownerGroupsExclude,
    String ipv4LoopbackCidr) {}
