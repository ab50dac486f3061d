package dev.outrigger.agent.probe;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A grpc probe as Istio's agent (and the kubelet) does it: grpc.health.v1.Health/Check over
 * plaintext, within the timeout; success only on SERVING. The two messages are written by hand
 * (grpc-services is not a dependency): HealthCheckRequest{string service = 1} and
 * HealthCheckResponse{ServingStatus status = 1}, SERVING = 1.
 */
final class GrpcHealthProber {
  static final int SERVING = 1;
  static final MethodDescriptor<String, Integer> CHECK = MethodDescriptor.<String, Integer>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName("grpc.health.v1.Health/Check")
      .setRequestMarshaller(new RequestMarshaller())
      .setResponseMarshaller(new ResponseMarshaller())
      .build();

  private final EventLoopGroup group;
  private final ProbeTarget target;

  GrpcHealthProber(EventLoopGroup group, ProbeTarget target) {
    this.group = group;
    this.target = target;
  }

  /**
   * The serving status the app reported; completes exceptionally with a {@link StatusRuntimeException}
   * (UNIMPLEMENTED when the app has no health service, DEADLINE_EXCEEDED, UNAVAILABLE, ...).
   */
  CompletableFuture<Integer> probe(AppProbe.Grpc probe, String userAgent) {
    InetSocketAddress app = new InetSocketAddress(target.destination(), probe.port());
    InetSocketAddress source = new InetSocketAddress(target.source(), 0);
    NettyChannelBuilder builder = NettyChannelBuilder.forAddress(app)
        .usePlaintext()
        .eventLoopGroup(group)
        .channelType(EpollSocketChannel.class)
        .withOption(ChannelOption.SO_LINGER, 1)
        .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, probe.timeout().toMillis()))
        .localSocketPicker(new NettyChannelBuilder.LocalSocketPicker() {
          @Override
          public java.net.SocketAddress createSocketAddress(java.net.SocketAddress remote, io.grpc.Attributes attrs) {
            return source;
          }
        });
    if (userAgent != null) {
      builder.userAgent(userAgent); // as the kubelet's grpc prober, Istio passes the kubelet's User-Agent on
    }
    ManagedChannel channel = builder.build();
    CompletableFuture<Integer> result = new CompletableFuture<>();
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(probe.timeout().toMillis(), TimeUnit.MILLISECONDS);
    var call = ClientCalls.futureUnaryCall(channel.newCall(CHECK, options), probe.service());
    call.addListener(() -> {
      try {
        result.complete(call.get());
      } catch (ExecutionException e) {
        result.completeExceptionally(e.getCause() != null ? e.getCause() : e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        result.completeExceptionally(e);
      } finally {
        channel.shutdownNow();
      }
    }, Runnable::run);
    return result;
  }

  /** A short reason for the log, as Istio words its three cases. */
  static String describe(Throwable failure) {
    Status status = Status.fromThrowable(failure);
    switch (status.getCode()) {
      case UNIMPLEMENTED:
        return "server does not implement the grpc health protocol (grpc.health.v1.Health): " + status;
      case DEADLINE_EXCEEDED:
        return "grpc request not finished within timeout: " + status;
      default:
        return "grpc probe failed: " + status;
    }
  }

  private static final class RequestMarshaller implements MethodDescriptor.Marshaller<String> {
    @Override
    public InputStream stream(String service) {
      try {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        if (!service.isEmpty()) {
          out.writeString(1, service); // proto3: the default "" is not written
        }
        out.flush();
        return new ByteArrayInputStream(bytes.toByteArray());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The other side of the wire, for the tests' health server. */
    @Override
    public String parse(InputStream stream) {
      try {
        CodedInputStream in = CodedInputStream.newInstance(stream);
        String service = "";
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
          if (tag == ((1 << 3) | 2)) {
            service = in.readString();
          } else if (!in.skipField(tag)) {
            break;
          }
        }
        return service;
      } catch (IOException e) {
        throw Status.INTERNAL.withDescription("malformed HealthCheckRequest").withCause(e).asRuntimeException();
      }
    }
  }

  private static final class ResponseMarshaller implements MethodDescriptor.Marshaller<Integer> {
    /** The other side of the wire, for the tests' health server. */
    @Override
    public InputStream stream(Integer status) {
      try {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        if (status != 0) {
          out.writeEnum(1, status);
        }
        out.flush();
        return new ByteArrayInputStream(bytes.toByteArray());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public Integer parse(InputStream stream) {
      try {
        CodedInputStream in = CodedInputStream.newInstance(stream);
        int status = 0; // UNKNOWN, proto3's default when the field is absent
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
          if (tag == ((1 << 3) | 0)) {
            status = in.readEnum();
          } else if (!in.skipField(tag)) {
            break;
          }
        }
        return status;
      } catch (IOException e) {
        throw Status.INTERNAL.withDescription("malformed HealthCheckResponse").withCause(e).asRuntimeException();
      }
    }
  }
}
