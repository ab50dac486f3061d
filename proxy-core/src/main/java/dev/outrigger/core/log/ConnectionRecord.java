package dev.outrigger.core.log;

import dev.outrigger.core.Direction;
import dev.outrigger.core.net.OriginalDestination;
import dev.outrigger.core.peer.MeshPeer;
import dev.outrigger.core.tls.TlsPrincipals;
import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * What the access log says about one proxied TCP connection. Filled in on the connection's event
 * loop only, so it needs no synchronisation.
 */
public final class ConnectionRecord {
  final Instant start = Instant.now();
  private final long startNanos = System.nanoTime();
  final InetSocketAddress downstreamRemote;
  InetSocketAddress downstreamLocal;
  InetSocketAddress upstreamHost;
  InetSocketAddress upstreamLocal;
  String cluster;
  ResponseFlag flag = ResponseFlag.NONE;
  String transportFailureReason;
  String requestedServerName;
  /** Set when this proxy terminated the client's TLS: the client's identity and ours. */
  dev.outrigger.core.tls.DownstreamTls downstreamTls;
  /** The identities on the upstream connection's mesh TLS, once connected. */
  TlsPrincipals upstreamTls = TlsPrincipals.NONE;
  long bytesReceived;
  long bytesSent;
  long durationMillis = -1;

  public ConnectionRecord(InetSocketAddress downstreamRemote, InetSocketAddress downstreamLocal) {
    this.downstreamRemote = downstreamRemote;
    this.downstreamLocal = downstreamLocal;
  }

  /** Envoy reports the original destination as the downstream local address. */
  public void originalDestination(OriginalDestination destination) {
    this.downstreamLocal = destination.address();
  }

  /**
   * The original destination, once known (the accepted address before that, so a plain address:
   * what the access log and metrics print as the downstream local address).
   */
  public InetSocketAddress originalDestination() {
    return downstreamLocal;
  }

  /** The cluster the connection was sent to, once decided. */
  public String cluster() {
    return cluster;
  }

  /** The upstream host chosen, once decided. */
  public InetSocketAddress upstreamHost() {
    return upstreamHost;
  }

  public InetSocketAddress downstreamRemote() {
    return downstreamRemote;
  }

  public void upstream(InetSocketAddress host, String cluster) {
    this.upstreamHost = host;
    this.cluster = cluster;
  }

  public void upstreamLocal(InetSocketAddress address) {
    this.upstreamLocal = address;
  }

  /** Keeps the first failure: later ones are consequences of it. */
  public void flag(ResponseFlag value) {
    if (flag == ResponseFlag.NONE) {
      flag = value;
    }
  }

  /** Envoy's upstream transport failure reason (why the upstream connect failed), or null. */
  public void transportFailureReason(String reason) {
    this.transportFailureReason = reason;
  }

  /** The SNI of the client's TLS ClientHello (Envoy's %REQUESTED_SERVER_NAME%), or null. */
  public void downstreamTls(dev.outrigger.core.tls.DownstreamTls tls) {
    this.downstreamTls = tls;
  }

  /** The client's TLS identity when this proxy terminated its TLS, else null. */
  public dev.outrigger.core.tls.DownstreamTls downstreamTls() {
    return downstreamTls;
  }

  /** The identities on the upstream connection (for outbound metric labels). */
  public void upstreamTls(TlsPrincipals principals) {
    this.upstreamTls = principals;
  }

  /**
   * The peer of this direction's reports, by its TLS identity: inbound the client (on a connection
   * this proxy terminated TLS on), outbound the upstream server.
   */
  public MeshPeer tlsPeer(Direction direction) {
    TlsPrincipals p = direction == Direction.INBOUND
        ? (downstreamTls == null ? TlsPrincipals.NONE : downstreamTls.principals())
        : upstreamTls;
    return p == TlsPrincipals.NONE ? MeshPeer.NONE : new MeshPeer(p.peer(), p.local(), null);
  }

  /** The SNI of the client's TLS ClientHello, or null (plaintext, or no server name). */
  public String requestedServerName() {
    return requestedServerName;
  }

  public void requestedServerName(String serverName) {
    this.requestedServerName = serverName == null || serverName.isEmpty() ? null : serverName;
  }

  public void received(long bytes) {
    bytesReceived += bytes;
  }

  public void sent(long bytes) {
    bytesSent += bytes;
  }

  public void finish() {
    if (durationMillis < 0) {
      durationMillis = (System.nanoTime() - startNanos) / 1_000_000;
    }
  }

  /** A short description for log lines: who connected, where to, and where we sent it. */
  public String describe() {
    return AccessLog.address(downstreamRemote)
        + " -> " + AccessLog.address(downstreamLocal)
        + (upstreamHost == null ? "" : " via " + cluster + " " + AccessLog.address(upstreamHost));
  }

  /** The access-log line of this connection: a TCP entry, HTTP fields empty. */
  public AccessLogEntry toEntry(Direction direction) {
    return new AccessLogEntry(direction, start, null, null, null, 0, flag.code(), null, null, transportFailureReason,
        bytesReceived, bytesSent, durationMillis, null, null, null, null, null,
        upstreamHost, cluster, upstreamLocal, downstreamLocal, downstreamRemote, requestedServerName, null,
        tlsPeer(direction));
  }

  public long bytesReceived() {
    return bytesReceived;
  }

  public long bytesSent() {
    return bytesSent;
  }
}
