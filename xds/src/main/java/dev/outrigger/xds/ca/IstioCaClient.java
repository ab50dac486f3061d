package dev.outrigger.xds.ca;

import com.google.protobuf.Struct;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Asks istiod's CA to sign a CSR (IstioCertificateService/CreateCertificate), over the channel
 * pilot-agent uses for it: {@link dev.outrigger.xds.XdsChannels#istiod}, TLS to the mesh root with
 * the projected token as {@code authorization: Bearer} and the {@code ClusterID} header on each call
 * (as pilot-agent's citadel client sends them).
 */
public final class IstioCaClient implements CaClient {
  /** How long one CreateCertificate may take before it counts as failed and is retried. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private final Channel channel;

  public IstioCaClient(Channel channel) {
    this.channel = channel;
  }

  /** @throws io.grpc.StatusRuntimeException when the call fails */
  @Override
  public List<String> createCertificate(String csrPem, Duration validity) {
    CaMessages.Request request = new CaMessages.Request(csrPem, validity.toSeconds(), Struct.getDefaultInstance());
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    return ClientCalls.blockingUnaryCall(channel, CaMessages.CREATE_CERTIFICATE, options, request).certChain();
  }
}
