package dev.outrigger.xds;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executor;

/** The gRPC channel to the control plane, secured the way pilot-agent connects to istiod. */
public final class XdsChannels {
  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> CLUSTER_ID = Metadata.Key.of("ClusterID", Metadata.ASCII_STRING_MARSHALLER);

  private XdsChannels() {}

  /** Plaintext, for a local control plane (tests, or a debug istiod on 15010). */
  public static ManagedChannel plaintext(String target) {
    return Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
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
    return Grpc.newChannelBuilder(target, creds).overrideAuthority(authority).build();
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
