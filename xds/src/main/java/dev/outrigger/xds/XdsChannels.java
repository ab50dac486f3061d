package dev.outrigger.xds;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** The gRPC channel to the control plane, secured the way pilot-agent connects to istiod. */
public final class XdsChannels {
  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> CLUSTER_ID = Metadata.Key.of("ClusterID", Metadata.ASCII_STRING_MARSHALLER);

  private XdsChannels() {}

  /**
   * As pilot-agent dials istiod (pilot/pkg/grpc ClientOptions): no limit on a response's size (a
   * large mesh's CDS exceeds gRPC's default 4 MiB), and keepalive pings every 30 s with a 10 s
   * timeout, so that an istiod gone without a FIN is noticed and the stream re-opened.
   */
  private static ManagedChannel build(ManagedChannelBuilder<?> builder) {
    return builder.maxInboundMessageSize(Integer.MAX_VALUE)
        .keepAliveTime(30, TimeUnit.SECONDS)
        .keepAliveTimeout(10, TimeUnit.SECONDS)
        .build();
  }

  /** Plaintext, for a local control plane (tests, or a debug istiod on 15010). */
  public static ManagedChannel plaintext(String target) {
    return build(Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()));
  }

  /**
   * TLS to istiod (15012), trusting only the mesh root (the istio-ca-root-cert ConfigMap), with
   * the pod's projected service-account token as a bearer token and the cluster id, on every call.
   *
   * @param authority the name istiod's certificate is checked against (istiod.istio-system.svc)
   * @param tokenFile read again for every stream: the kubelet rotates projected tokens
   */
  public static ManagedChannel istiod(String target, String authority, Path rootCert, Path tokenFile, String clusterId)
      throws IOException {
    ChannelCredentials tls = TlsChannelCredentials.newBuilder().trustManager(rootCert.toFile()).build();
    ChannelCredentials creds = CompositeChannelCredentials.create(tls, new TokenCredentials(tokenFile, clusterId));
    return build(Grpc.newChannelBuilder(target, creds).overrideAuthority(authority));
  }

  /** Adds the bearer token and the cluster id to each call's headers. */
  private static final class TokenCredentials extends CallCredentials {
    private final Path tokenFile;
    private final String clusterId;

    TokenCredentials(Path tokenFile, String clusterId) {
      this.tokenFile = tokenFile;
      this.clusterId = clusterId;
    }

    @Override
    public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
      executor.execute(() -> {
        try {
          String token = Files.readString(tokenFile, StandardCharsets.US_ASCII).trim();
          Metadata headers = new Metadata();
          headers.put(AUTHORIZATION, "Bearer " + token);
          headers.put(CLUSTER_ID, clusterId);
          applier.apply(headers);
        } catch (IOException e) {
          applier.fail(Status.UNAUTHENTICATED.withDescription("cannot read the token " + tokenFile + ": " + e)
              .withCause(e));
        }
      });
    }
  }
}
