package dev.outrigger.core.peer;

import dev.outrigger.core.Direction;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * The metadata exchange of one HTTP request, as Istio configures the peer_metadata filter on a
 * sidecar (pilot SidecarInboundMetadataFilter / SidecarOutboundMetadataFilter):
 * <ul>
 *   <li>inbound, the request's two headers are read (the client's workload) and removed; the
 *       response carries ours, each header only if the request had it;
 *   <li>outbound, the request carries ours (replacing any the app set), to every upstream, as
 *       without meshConfig's IN_MESH mode; the response's are read (the server's workload) and
 *       removed before the app sees it.
 * </ul>
 * Used on the exchange's event loop only.
 */
public final class PeerHeaders {
  /** For an exchange that has none: the exchange is off. */
  public static final PeerHeaders NONE = new PeerHeaders(Direction.OUTBOUND, MetadataExchange.OFF);

  private final Direction direction;
  private final MetadataExchange exchange;
  private boolean idReceived;
  private boolean metadataReceived;
  private PeerMetadata peer;

  private PeerHeaders(Direction direction, MetadataExchange exchange) {
    this.direction = direction;
    this.exchange = exchange;
  }

  /** Takes the request head before it goes upstream. */
  public static PeerHeaders onRequest(Direction direction, HttpHeaders request, MetadataExchange exchange) {
    if (!exchange.enabled()) {
      return NONE;
    }
    PeerHeaders p = new PeerHeaders(direction, exchange);
    if (direction == Direction.INBOUND) {
      p.idReceived = request.contains(MetadataExchange.ID_HEADER);
      p.metadataReceived = p.read(request);
    } else {
      request.set(MetadataExchange.ID_HEADER, exchange.id());
      request.set(MetadataExchange.METADATA_HEADER, exchange.value());
    }
    return p;
  }

  /** Takes the final response head (relayed or a local reply) before it goes to the client. */
  public void onResponse(HttpHeaders response) {
    if (!exchange.enabled()) {
      return;
    }
    if (direction == Direction.OUTBOUND) {
      read(response);
      return;
    }
    if (idReceived) {
      response.set(MetadataExchange.ID_HEADER, exchange.id());
    }
    if (metadataReceived) {
      response.set(MetadataExchange.METADATA_HEADER, exchange.value());
    }
  }

  /** The peer's workload, or null when it sent none (or none that could be read). */
  public PeerMetadata peer() {
    return peer;
  }

  /** Reads the peer's workload and removes both headers; whether it had the metadata header. */
  private boolean read(HttpHeaders h) {
    String value = h.get(MetadataExchange.METADATA_HEADER);
    if (value != null && !value.isEmpty()) {
      peer = exchange.decode(value).orElse(null);
    }
    h.remove(MetadataExchange.ID_HEADER);
    h.remove(MetadataExchange.METADATA_HEADER);
    return value != null;
  }
}
