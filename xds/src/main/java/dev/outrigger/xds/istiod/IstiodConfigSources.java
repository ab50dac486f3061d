package dev.outrigger.xds.istiod;

import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;

/** Where istiod tells a sidecar to fetch what a resource refers to: ADS, or the agent's SDS. */
public final class IstiodConfigSources {
  private IstiodConfigSources() {}

  /** ConfigSource{ads: {}, initial_fetch_timeout: 0s, resource_api_version: V3}, istiod's for RDS and EDS. */
  public static ConfigSource ads() {
    return ConfigSource.newBuilder()
        .setAds(AggregatedConfigSource.getDefaultInstance())
        .setInitialFetchTimeout(Protos.NO_TIMEOUT)
        .setResourceApiVersion(ApiVersion.V3)
        .build();
  }

  /** The pilot-agent's "sds-grpc" cluster over gRPC, as every istiod TLS context names its secrets. */
  public static ConfigSource sdsGrpc() {
    return ConfigSource.newBuilder()
        .setApiConfigSource(ApiConfigSource.newBuilder()
            .setApiType(ApiConfigSource.ApiType.GRPC)
            .setSetNodeOnFirstMessageOnly(true)
            .setTransportApiVersion(ApiVersion.V3)
            .addGrpcServices(GrpcService.newBuilder().setEnvoyGrpc(
                GrpcService.EnvoyGrpc.newBuilder().setClusterName("sds-grpc"))))
        .setInitialFetchTimeout(Protos.NO_TIMEOUT)
        .setResourceApiVersion(ApiVersion.V3)
        .build();
  }
}
