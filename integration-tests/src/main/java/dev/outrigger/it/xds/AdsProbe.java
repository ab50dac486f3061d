package dev.outrigger.it.xds;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A one-shot ADS client, run inside a pod to prove the control plane is reachable from there:
 * opens the stream, asks for clusters, prints "version &lt;v&gt;" and one "cluster &lt;name&gt;" line per
 * resource of the first response, ACKs it and exits 0; exits 1 when no response came in time.
 *
 * <pre>ads-probe &lt;ip:port&gt; &lt;node id&gt;</pre>
 */
public final class AdsProbe {
  private static final long TIMEOUT_SECONDS = 10;

  private AdsProbe() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: ads-probe <ip:port> <node id>");
      System.exit(2);
    }
    String[] hostPort = args[0].split(":");
    ManagedChannel channel = NettyChannelBuilder.forAddress(hostPort[0], Integer.parseInt(hostPort[1]))
        .usePlaintext().build();
    CompletableFuture<DiscoveryResponse> first = new CompletableFuture<>();
    StreamObserver<DiscoveryRequest> requests = AggregatedDiscoveryServiceGrpc.newStub(channel)
        .streamAggregatedResources(new StreamObserver<>() {
          @Override
          public void onNext(DiscoveryResponse response) {
            first.complete(response);
          }

          @Override
          public void onError(Throwable t) {
            first.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            first.completeExceptionally(new IllegalStateException("stream ended without a response"));
          }
        });
    requests.onNext(DiscoveryRequest.newBuilder()
        .setNode(Node.newBuilder().setId(args[1]))
        .setTypeUrl(XdsType.CLUSTER.typeUrl())
        .build());
    int exit = 0;
    try {
      DiscoveryResponse response = first.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      System.out.println("version " + response.getVersionInfo());
      for (var resource : response.getResourcesList()) {
        System.out.println("cluster " + resource.unpack(io.envoyproxy.envoy.config.cluster.v3.Cluster.class).getName());
      }
      requests.onNext(DiscoveryRequest.newBuilder()
          .setTypeUrl(XdsType.CLUSTER.typeUrl())
          .setVersionInfo(response.getVersionInfo())
          .setResponseNonce(response.getNonce())
          .build());
      requests.onCompleted();
    } catch (ExecutionException | TimeoutException | com.google.protobuf.InvalidProtocolBufferException e) {
      System.out.println("failed " + (e.getCause() != null ? e.getCause() : e));
      exit = 1;
    } finally {
      // Give the ACK a moment to leave before the channel goes.
      channel.shutdown().awaitTermination(2, TimeUnit.SECONDS);
      channel.shutdownNow();
    }
    System.out.flush();
    System.exit(exit);
  }
}
