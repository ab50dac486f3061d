package dev.outrigger.core.telemetry;

import dev.outrigger.core.net.Authority;
import dev.outrigger.core.Direction;
import dev.outrigger.core.log.AccessLog;
import dev.outrigger.core.peer.MeshPeer;
import dev.outrigger.core.peer.PeerMetadata;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values of Istio's standard labels (istio/proxy istio_stats, populatePeerInfo), in Istio's
 * order. This proxy's own side comes from its pod; the peer's from what the connection proved (the
 * first URI SAN of each certificate on its mesh TLS) and what the peer told in the HTTP metadata
 * exchange, else, for an outbound request, from the endpoint's istiod metadata; what is not known is
 * {@value WorkloadIdentity#UNKNOWN}, a canonical revision {@code latest}. A peer's namespace is the
 * one in its SPIFFE id first. connection_security_policy is said by the server side only:
 * {@code mutual_tls} when both ends presented a URI SAN, else {@code none}; the client reports
 * {@code unknown}, as Istio's does.
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
  private static final String NAMESPACE_KEY = "/ns/";

  private final WorkloadIdentity self;

  IstioLabels(WorkloadIdentity self) {
    this.self = self;
  }

  /** Values for {@link #TCP_NAMES}. */
  String[] tcp(Direction direction, Object destination, MeshPeer peer, String flags) {
    List<String> v = peerAndService(direction, destination, peer);
    v.add("tcp");
    v.add(flags);
    v.add(securityPolicy(direction, peer));
    return v.toArray(new String[0]);
  }

  /** Values for {@link #HTTP_NAMES}; gRPC is not told apart yet, so the protocol is http. */
  String[] http(Direction direction, Object destination, MeshPeer peer, int responseCode, String flags) {
    List<String> v = peerAndService(direction, destination, peer);
    v.add("http");
    v.add(Integer.toString(responseCode));
    v.add("");
    v.add(flags);
    v.add(securityPolicy(direction, peer));
    return v.toArray(new String[0]);
  }

  private List<String> peerAndService(Direction direction, Object destination, MeshPeer peer) {
    List<String> v = new ArrayList<>(HTTP_NAMES.length);
    if (direction == Direction.OUTBOUND) {
      client(v, destination, peer);
    } else {
      server(v, destination, peer);
    }
    return v;
  }

  /** reporter=source: this pod, then the server (its exchanged workload, else the endpoint's). */
  private void client(List<String> v, Object destination, MeshPeer peer) {
    MeshDestination mesh = destination instanceof MeshDestination m ? m : null;
    PeerMetadata w = peer.metadata() != null ? peer.metadata() : mesh != null ? mesh.endpoint() : null;
    // The server's certificate, else the identity it claimed in the exchange (sidecars claim none).
    String principal = !peer.principal().isEmpty() ? peer.principal()
        : peer.metadata() != null ? peer.metadata().identity() : "";
    String namespace = peerNamespace(principal, w);
    v.add("source");
    v.add(self.workload());
    v.add(self.canonicalService());
    v.add(self.canonicalRevision());
    v.add(self.namespace());
    v.add(orUnknown(peer.localPrincipal()));
    v.add(self.app());
    v.add(self.version());
    v.add(self.cluster());
    v.add(w == null ? UNKNOWN : orUnknown(w.workloadName()));
    v.add(orUnknown(namespace));
    v.add(orUnknown(principal));
    v.add(w == null ? UNKNOWN : orUnknown(w.appName()));
    v.add(w == null ? UNKNOWN : orUnknown(w.appVersion()));
    v.add(mesh != null ? mesh.service() : service(destination));
    v.add(w == null ? UNKNOWN : orUnknown(w.canonicalName()));
    v.add(w == null || w.canonicalRevision().isEmpty() ? "latest" : w.canonicalRevision());
    v.add(mesh != null ? mesh.serviceName() : serviceName(destination));
    String serviceNamespace = mesh != null ? mesh.serviceNamespace() : serviceNamespace(destination);
    v.add(!serviceNamespace.equals(UNKNOWN) ? serviceNamespace : orUnknown(namespace));
    v.add(w == null ? UNKNOWN : orUnknown(w.clusterId()));
  }

  /** reporter=destination: the client (its certificate and exchanged workload), then this pod. */
  private void server(List<String> v, Object destination, MeshPeer peer) {
    PeerMetadata w = peer.metadata();
    v.add("destination");
    v.add(w == null ? UNKNOWN : orUnknown(w.workloadName()));
    v.add(w == null ? UNKNOWN : orUnknown(w.canonicalName()));
    v.add(w == null || w.canonicalRevision().isEmpty() ? "latest" : w.canonicalRevision());
    v.add(orUnknown(peerNamespace(peer.principal(), w)));
    v.add(orUnknown(peer.principal()));
    v.add(w == null ? UNKNOWN : orUnknown(w.appName()));
    v.add(w == null ? UNKNOWN : orUnknown(w.appVersion()));
    v.add(w == null ? UNKNOWN : orUnknown(w.clusterId()));
    v.add(self.workload());
    v.add(self.namespace());
    v.add(orUnknown(peer.localPrincipal()));
    v.add(self.app());
    v.add(self.version());
    v.add(service(destination));
    v.add(self.canonicalService());
    v.add(self.canonicalRevision());
    v.add(self.canonicalService());
    v.add(self.namespace());
    v.add(self.cluster());
  }

  private static String securityPolicy(Direction direction, MeshPeer peer) {
    if (direction == Direction.OUTBOUND) {
      return UNKNOWN; // Istio's client side never says
    }
    return peer.mutualTls() ? "mutual_tls" : "none";
  }

  /**
   * The namespace in a SPIFFE id ({@code <trust domain>/ns/<namespace>/sa/<account>}), else the one
   * the workload names; empty when neither does.
   */
  static String peerNamespace(String principal, PeerMetadata workload) {
    int at = principal.indexOf(NAMESPACE_KEY);
    if (at >= 0) {
      int begin = at + NAMESPACE_KEY.length();
      int end = principal.indexOf('/', begin);
      String namespace = end < 0 ? principal.substring(begin) : principal.substring(begin, end);
      if (!namespace.isEmpty()) {
        return namespace;
      }
    }
    return workload == null ? "" : workload.namespace();
  }

  private static String orUnknown(String value) {
    return value == null || value.isEmpty() ? UNKNOWN : value;
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
    String host = Authority.host(authority);
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
    String host = Authority.host(authority);
    if (host.isEmpty() || NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)) {
      return UNKNOWN;
    }
    if (host.indexOf('.') < 0) {
      return self.namespace();
    }
    Matcher m = SERVICE_DNS_NAME.matcher(host);
    return m.matches() ? m.group(2) : UNKNOWN;
  }

  private static String[] names(String... last) {
    List<String> all = new ArrayList<>(PEER_AND_SERVICE);
    all.addAll(List.of(last));
    return all.toArray(new String[0]);
  }
}
