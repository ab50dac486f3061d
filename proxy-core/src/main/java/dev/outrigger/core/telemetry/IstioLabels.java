package dev.outrigger.core.telemetry;

import dev.outrigger.core.Direction;
import dev.outrigger.core.log.AccessLog;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values of Istio's standard labels (istio/proxy istio_stats), in Istio's order. This proxy
 * knows its own pod and not the peer's (there is no metadata exchange and no mTLS), so the peer side
 * is {@value WorkloadIdentity#UNKNOWN}, its canonical revision {@code latest}, as Istio reports a
 * peer it could not identify. The destination service is what the app asked for: the HTTP authority
 * outbound, else the original destination {@code ip:port}.
 */
final class IstioLabels {
  static final String UNKNOWN = WorkloadIdentity.UNKNOWN;
  /** The destination of series beyond the series limit. */
  static final Object OVERFLOW = new Object();

  private static final List<String> PEER_AND_SERVICE = List.of(
      "reporter",
      "source_workload", "source_canonical_service", "source_canonical_revision", "source_workload_namespace",
      "source_principal", "source_app", "source_version", "source_cluster",
      "destination_workload", "destination_workload_namespace", "destination_principal", "destination_app",
      "destination_version", "destination_service", "destination_canonical_service",
      "destination_canonical_revision", "destination_service_name", "destination_service_namespace",
      "destination_cluster");
  static final String[] TCP_NAMES = names("request_protocol", "response_flags", "connection_security_policy");
  static final String[] HTTP_NAMES = names(
      "request_protocol", "response_code", "grpc_response_status", "response_flags", "connection_security_policy");

  // <service>.<namespace>.svc[.<cluster domain>], the form of a Kubernetes service's DNS name.
  private static final Pattern SERVICE_DNS_NAME = Pattern.compile("([^.]+)\\.([^.]+)\\.svc(\\..*)?\\.?");

  private final WorkloadIdentity self;

  IstioLabels(WorkloadIdentity self) {
    this.self = self;
  }

  /** Values for {@link #TCP_NAMES}. */
  String[] tcp(Direction direction, Object destination, String flags) {
    List<String> v = peerAndService(direction, destination);
    v.add("tcp");
    v.add(flags);
    v.add(securityPolicy(direction));
    return v.toArray(new String[0]);
  }

  /** Values for {@link #HTTP_NAMES}; gRPC is not told apart yet, so the protocol is http. */
  String[] http(Direction direction, Object destination, int responseCode, String flags) {
    List<String> v = peerAndService(direction, destination);
    v.add("http");
    v.add(Integer.toString(responseCode));
    v.add("");
    v.add(flags);
    v.add(securityPolicy(direction));
    return v.toArray(new String[0]);
  }

  private List<String> peerAndService(Direction direction, Object destination) {
    List<String> v = new ArrayList<>(HTTP_NAMES.length);
    boolean outbound = direction == Direction.OUTBOUND;
    v.add(outbound ? "source" : "destination");
    if (outbound && destination instanceof MeshDestination m) {
      self(v);
      v.add(m.workload());
      v.add(m.workloadNamespace());
      v.add(UNKNOWN); // principal: no mTLS
      v.add(m.canonicalService()); // Istio's app and version fall back to the canonical name and revision
      v.add(m.canonicalRevision());
      v.add(m.service());
      v.add(m.canonicalService());
      v.add(m.canonicalRevision());
      v.add(m.serviceName());
      v.add(m.serviceNamespace());
      v.add(m.cluster());
    } else if (outbound) {
      self(v);
      peer(v, true);
      v.add(service(destination));
      v.add(UNKNOWN);
      v.add("latest");
      v.add(serviceName(destination));
      v.add(serviceNamespace(destination));
      v.add(UNKNOWN);
    } else {
      peer(v, false);
      v.add(self.workload());
      v.add(self.namespace());
      v.add(UNKNOWN); // principal: no mTLS
      v.add(self.app());
      v.add(self.version());
      v.add(service(destination));
      v.add(self.canonicalService());
      v.add(self.canonicalRevision());
      v.add(self.canonicalService());
      v.add(self.namespace());
      v.add(self.cluster());
    }
    return v;
  }

  /** This pod as the source, in Istio's order of the source labels. */
  private void self(List<String> v) {
    v.add(self.workload());
    v.add(self.canonicalService());
    v.add(self.canonicalRevision());
    v.add(self.namespace());
    v.add(UNKNOWN); // principal: no mTLS
    v.add(self.app());
    v.add(self.version());
    v.add(self.cluster());
  }

  /** The peer's workload labels, all unknown: a source has 8 of them, a destination 5. */
  private static void peer(List<String> v, boolean destination) {
    if (destination) {
      v.addAll(List.of(UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN));
    } else {
      v.addAll(List.of(UNKNOWN, UNKNOWN, "latest", UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN));
    }
  }

  private static String securityPolicy(Direction direction) {
    // Istio: a server-side report without mTLS says none; a client side cannot know, so unknown.
    return direction == Direction.INBOUND ? "none" : UNKNOWN;
  }

  /** destination_service: the authority as sent (Istio's host-header fallback), else ip:port. */
  static String service(Object destination) {
    if (destination instanceof InetSocketAddress a) {
      return AccessLog.address(a);
    }
    return destination instanceof String s ? s : UNKNOWN;
  }

  /** destination_service_name: the first DNS label of the host, or the IP address. */
  static String serviceName(Object destination) {
    if (destination instanceof InetSocketAddress a) {
      return NetUtil.toAddressString(a.getAddress());
    }
    if (!(destination instanceof String authority)) {
      return UNKNOWN;
    }
    String host = host(authority);
    if (NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)) {
      return host;
    }
    int dot = host.indexOf('.');
    return dot > 0 ? host.substring(0, dot) : host;
  }

  /**
   * destination_service_namespace where the authority says it the Kubernetes way: a single label
   * resolves in this pod's namespace, {@code name.namespace.svc[.domain]} names it; else unknown.
   */
  String serviceNamespace(Object destination) {
    if (!(destination instanceof String authority)) {
      return UNKNOWN;
    }
    String host = host(authority);
    if (host.isEmpty() || NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)) {
      return UNKNOWN;
    }
    if (host.indexOf('.') < 0) {
      return self.namespace();
    }
    Matcher m = SERVICE_DNS_NAME.matcher(host);
    return m.matches() ? m.group(2) : UNKNOWN;
  }

  /** The host of an authority: without the port, IPv6 brackets removed, lower case. */
  static String host(String authority) {
    String a = authority.trim();
    if (a.startsWith("[")) {
      int end = a.indexOf(']');
      return end > 0 ? a.substring(1, end) : a;
    }
    int colon = a.lastIndexOf(':');
    String host = colon >= 0 && a.indexOf(':') == colon ? a.substring(0, colon) : a;
    return host.toLowerCase(Locale.ROOT);
  }

  private static String[] names(String... last) {
    List<String> all = new ArrayList<>(PEER_AND_SERVICE);
    all.addAll(List.of(last));
    return all.toArray(new String[0]);
  }
}
