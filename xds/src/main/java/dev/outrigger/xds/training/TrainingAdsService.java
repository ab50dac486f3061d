package dev.outrigger.xds.training;

import dev.outrigger.xds.ResourceType;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A minimal ADS server (Envoy v3, state of the world) that serves the fixed {@link TrainingMesh}:
 * it exists for {@code bin/outrigger cds-archive}, whose training run of the proxy must receive an
 * istiod-shaped configuration over gRPC so that the class-data archive holds the classes xDS loads
 * in production. Not a control plane for real use: one configuration, no pushes.
 *
 * <p>Per stream and type it answers a request that opens the subscription (no response nonce) or
 * that names other resources than the last answer was for; a request carrying the last answer's
 * nonce is an ACK, or a NACK when it has error_detail: both are logged and counted, neither is
 * answered (istiod does not resend a NACKed update either). Requests for types it does not know are
 * logged and ignored. gRPC calls one stream's observer one message at a time, so per-stream state
 * needs no locking.
 */
public final class TrainingAdsService extends AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(TrainingAdsService.class);

  private final TrainingMesh mesh;
  private final AtomicLong acks = new AtomicLong();
  private final AtomicLong nacks = new AtomicLong();
  private final AtomicLong streams = new AtomicLong();

  public TrainingAdsService(TrainingMesh mesh) {
    this.mesh = mesh;
  }

  /** Updates ACKed, over all streams. */
  public long acks() {
    return acks.get();
  }

  /** Updates NACKed, over all streams: the proxy rejected part of the training mesh. */
  public long nacks() {
    return nacks.get();
  }

  @Override
  public StreamObserver<DiscoveryRequest> streamAggregatedResources(StreamObserver<DiscoveryResponse> responses) {
    long id = streams.incrementAndGet();
    log.info("ADS stream {} opened", id);
    return new Stream(id, responses);
  }

  /** What was last sent on a stream for one type. */
  private record Sent(String nonce, Set<String> names) {}

  private final class Stream implements StreamObserver<DiscoveryRequest> {
    private final long id;
    private final StreamObserver<DiscoveryResponse> responses;
    private final Map<ResourceType, Sent> sent = new EnumMap<>(ResourceType.class);
    private long nonces;

    Stream(long id, StreamObserver<DiscoveryResponse> responses) {
      this.id = id;
      this.responses = responses;
    }

    @Override
    public void onNext(DiscoveryRequest request) {
      Optional<ResourceType> known = ResourceType.forTypeUrl(request.getTypeUrl());
      if (known.isEmpty()) {
        log.warn("ADS stream {}: ignoring a request for type {}", id, request.getTypeUrl());
        return;
      }
      ResourceType type = known.get();
      Set<String> names = Set.copyOf(request.getResourceNamesList());
      Sent last = sent.get(type);
      if (last != null && request.getResponseNonce().equals(last.nonce())) {
        if (request.hasErrorDetail()) {
          nacks.incrementAndGet();
          log.warn("ADS stream {}: {} NACKed: {}", id, type, request.getErrorDetail().getMessage());
        } else {
          acks.incrementAndGet();
          log.info("ADS stream {}: {} ACKed (version {})", id, type, request.getVersionInfo());
        }
        if (type.wildcard() || names.equals(last.names())) {
          return;
        }
      } else if (last != null && !request.getResponseNonce().isEmpty()) {
        return; // answers a response superseded since: the later one's ACK follows
      }
      send(type, names);
    }

    private void send(ResourceType type, Set<String> names) {
      String nonce = Long.toString(++nonces);
      DiscoveryResponse response = DiscoveryResponse.newBuilder()
          .setTypeUrl(type.typeUrl())
          .setVersionInfo(TrainingMesh.VERSION)
          .setNonce(nonce)
          .addAllResources(mesh.resources(type, names))
          .build();
      sent.put(type, new Sent(nonce, names));
      log.info("ADS stream {}: sending {} ({} resources, nonce {})", id, type, response.getResourcesCount(), nonce);
      responses.onNext(response);
    }

    @Override
    public void onError(Throwable t) {
      log.info("ADS stream {} ended: {}", id, Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      log.info("ADS stream {} closed by the client", id);
      responses.onCompleted();
    }
  }
}
