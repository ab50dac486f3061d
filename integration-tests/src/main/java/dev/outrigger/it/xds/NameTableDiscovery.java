package dev.outrigger.it.xds;

import dev.outrigger.it.harness.Waits;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * NDS as istiod serves it (pilot/pkg/xds/nds.go): one nameless {@code NameTable} resource, the
 * whole table, sent when a stream asks for the type and again on every push that changes it
 * (istiod pushes NDS on full pushes for Services and ServiceEntries). Only proxies with DNS
 * capture ask for it. Versions count the tables published: "0" is the empty table served before
 * the first {@link #publish}.
 */
final class NameTableDiscovery {
  private static final Logger log = LoggerFactory.getLogger(NameTableDiscovery.class);
  private final Set<Stream> subscribed = ConcurrentHashMap.newKeySet();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicLong nonces = new AtomicLong();
  private NameTable table = NameTable.EMPTY;
  private int version;

  /** One NDS request as received: the version it reports, the nonce it answers, an error if a NACK. */
  record Request(String version, String nonce, Optional<String> error) {
    boolean isAckOf(String wanted) {
      return !nonce.isEmpty() && error.isEmpty() && version.equals(wanted);
    }

    @Override
    public String toString() {
      return "NDS@" + (version.isEmpty() ? "-" : version) + (nonce.isEmpty() ? "" : "/" + nonce)
          + error.map(e -> " NACK(" + e + ")").orElse("");
    }
  }

  /** Makes {@code next} the table and pushes it to every stream that asked for NDS; returns its version. */
  synchronized String publish(NameTable next) {
    table = next;
    version++;
    subscribed.forEach(Stream::send);
    return currentVersion();
  }

  synchronized String currentVersion() {
    return String.valueOf(version);
  }

  Request awaitAck(String wanted, Duration timeout) {
    return Waits.until("an ACK of NDS version " + wanted + " (NDS requests so far: " + requests + ")", timeout,
        () -> requests.stream().filter(r -> r.isAckOf(wanted)).findFirst());
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  Stream open(StreamObserver<DiscoveryResponse> responses) {
    return new Stream(responses);
  }

  private synchronized DiscoveryResponse response() {
    return DiscoveryResponse.newBuilder()
        .setTypeUrl(NameTable.TYPE_URL)
        .setVersionInfo(currentVersion())
        .setNonce("nds-" + nonces.incrementAndGet())
        .addResources(table.toAny())
        .build();
  }

  /** The NDS side of one ADS stream. */
  final class Stream {
    private final StreamObserver<DiscoveryResponse> responses;

    private Stream(StreamObserver<DiscoveryResponse> responses) {
      this.responses = responses;
    }

    void onRequest(DiscoveryRequest request) {
      requests.add(new Request(request.getVersionInfo(), request.getResponseNonce(),
          request.hasErrorDetail() ? Optional.of(request.getErrorDetail().getMessage()) : Optional.empty()));
      // A request without a nonce subscribes (the first on a stream, or a reconnect's): it gets the
      // current table. One with a nonce ACKs or NACKs a response: nothing to send.
      if (request.getResponseNonce().isEmpty()) {
        subscribed.add(this);
        send();
      }
    }

    /** Sends the current table; a stream already gone is dropped (its close races the push). */
    void send() {
      synchronized (NameTableDiscovery.this) {
        DiscoveryResponse response = response();
        try {
          responses.onNext(response);
        } catch (RuntimeException cancelled) {
          log.info("NDS: the stream ended before version {} could be sent ({}); it is no longer pushed to", response.getVersionInfo(),
              cancelled.toString());
          subscribed.remove(this);
        }
      }
    }

    void close() {
      subscribed.remove(this);
    }
  }
}
