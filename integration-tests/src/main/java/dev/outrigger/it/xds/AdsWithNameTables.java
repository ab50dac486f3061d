package dev.outrigger.it.xds;

import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * istiod's ADS service as one gRPC service: Envoy's types go to java-control-plane's ADS
 * (which refuses any other type URL), istiod's name table ({@value NameTable#TYPE_URL}) to
 * {@link NameTableDiscovery}. Both answer on the same stream, as istiod does.
 */
final class AdsWithNameTables extends AggregatedDiscoveryServiceImplBase {
  private final AggregatedDiscoveryServiceImplBase envoyTypes;
  private final NameTableDiscovery nameTables;

  AdsWithNameTables(AggregatedDiscoveryServiceImplBase envoyTypes, NameTableDiscovery nameTables) {
    this.envoyTypes = envoyTypes;
    this.nameTables = nameTables;
  }

  @Override
  public StreamObserver<DiscoveryRequest> streamAggregatedResources(StreamObserver<DiscoveryResponse> call) {
    SerializedResponses<DiscoveryResponse> responses =
        new SerializedResponses<>((ServerCallStreamObserver<DiscoveryResponse>) call);
    StreamObserver<DiscoveryRequest> envoy = envoyTypes.streamAggregatedResources(responses);
    NameTableDiscovery.Stream nds = nameTables.open(responses);
    return new StreamObserver<>() {
      @Override
      public void onNext(DiscoveryRequest request) {
        if (request.getTypeUrl().equals(NameTable.TYPE_URL)) {
          nds.onRequest(request);
        } else {
          envoy.onNext(request);
        }
      }

      @Override
      public void onError(Throwable t) {
        nds.close();
        envoy.onError(t);
      }

      @Override
      public void onCompleted() {
        nds.close();
        envoy.onCompleted();
      }
    };
  }

  @Override
  public StreamObserver<DeltaDiscoveryRequest> deltaAggregatedResources(StreamObserver<DeltaDiscoveryResponse> call) {
    // The sidecar uses state-of-the-world ADS; delta stays java-control-plane's alone.
    return envoyTypes.deltaAggregatedResources(call);
  }
}
