package dev.outrigger.agent.probe;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * An httpGet probe as Istio's agent sends it (which copies the kubelet's prober): GET to the
 * target, the kubelet's headers passed on, redirects followed on the same host up to 10, HTTPS
 * without certificate verification, no keep-alive, the whole exchange within the probe's timeout.
 * Non-blocking: the exchange runs on the given event loops.
 */
final class HttpGetProber {
  /** Istio's maxRespBodyLength: the app's body is passed back up to 10 KiB. */
  static final int MAX_BODY_BYTES = 10 * 1024;
  /** Go's http.Client and the kubelet give up after 10 redirects. */
  static final int MAX_REDIRECTS = 10;
  private static final Set<Integer> FOLLOWED_REDIRECTS = Set.of(301, 302, 303, 307, 308);
  /** Hop-by-hop and framing headers of the kubelet's request, which are not the app's business. */
  private static final Set<String> NOT_PASSED_ON = Set.of("host", "connection", "keep-alive", "proxy-connection",
      "transfer-encoding", "content-length", "te", "trailer", "upgrade", "proxy-authorization", "proxy-authenticate");

  /** What the app answered last (after redirects): status and up to 10 KiB of body. */
  record Answer(int status, byte[] body, String url) {}

  private final EventLoopGroup group;
  private final ProbeTarget target;
  private final SslContext insecureTls;

  HttpGetProber(EventLoopGroup group, ProbeTarget target) {
    this.group = group;
    this.target = target;
    try {
      // The kubelet skips verification for HTTPS probes, and so does Istio's agent.
      this.insecureTls = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the TLS client for HTTPS probes", e);
    }
  }

  /**
   * @param hostHeader the Host to send (the kubelet's, its port replaced as Istio does), or null for
   *     the URL's host
   * @param kubeletHeaders the headers of the kubelet's request to the agent
   */
  CompletableFuture<Answer> probe(AppProbe.HttpGet probe, String hostHeader, HttpHeaders kubeletHeaders) {
    URI first = URI.create((probe.https() ? "https" : "http") + "://" + hostPort(target.host(), probe.port()) + probe.path());
    long deadline = System.nanoTime() + probe.timeout().toNanos();
    CompletableFuture<Answer> result = new CompletableFuture<>();
    follow(first, hostHeader, kubeletHeaders, 0, deadline, result);
    return result.orTimeout(probe.timeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void follow(URI url, String hostHeader, HttpHeaders kubeletHeaders, int redirects, long deadline,
      CompletableFuture<Answer> result) {
    if (result.isDone()) {
      return; // timed out meanwhile
    }
    exchange(url, hostHeader, kubeletHeaders, deadline, result).whenComplete((answer, failure) -> {
      if (failure != null) {
        result.completeExceptionally(failure);
        return;
      }
      URI next = redirectTarget(url, answer.location());
      if (!FOLLOWED_REDIRECTS.contains(answer.status()) || next == null) {
        result.complete(new Answer(answer.status(), answer.body(), url.toString()));
      } else if (!sameHost(next)) {
        // As the kubelet: a redirect off the pod ends the probe with the 3xx (a success).
        result.complete(new Answer(answer.status(), answer.body(), url.toString()));
      } else if (redirects >= MAX_REDIRECTS) {
        result.completeExceptionally(new IOException("stopped after " + MAX_REDIRECTS + " redirects"));
      } else {
        // As Go's client: a custom Host survives a relative redirect only.
        String nextHost = URI.create(answer.location().trim()).isAbsolute() ? null : hostHeader;
        follow(next, nextHost, kubeletHeaders, redirects + 1, deadline, result);
      }
    });
  }

  private record Exchange(int status, byte[] body, String location) {}

  private CompletableFuture<Exchange> exchange(URI url, String hostHeader, HttpHeaders kubeletHeaders, long deadline,
      CompletableFuture<Answer> overall) {
    boolean https = "https".equalsIgnoreCase(url.getScheme());
    int port = url.getPort() > 0 ? url.getPort() : https ? 443 : 80;
    CompletableFuture<Exchange> done = new CompletableFuture<>();
    long remainingMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    Bootstrap bootstrap = new Bootstrap()
        .group(group)
        .channel(EpollSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, remainingMillis))
        // As the kubelet's probe dialer: a short linger, so that probes leave no TIME-WAIT pile.
        .option(ChannelOption.SO_LINGER, 1)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            if (https) {
              ch.pipeline().addLast(insecureTls.newHandler(ch.alloc()));
            }
            ch.pipeline().addLast(new HttpClientCodec(), new ResponseReader(done));
          }
        });
    ChannelFuture connect = bootstrap.connect(new InetSocketAddress(target.destination(), port),
        new InetSocketAddress(target.source(), 0));
    Channel channel = connect.channel();
    // Whatever ends the probe (answer, failure, timeout) closes the connection.
    overall.whenComplete((a, f) -> channel.close());
    done.whenComplete((a, f) -> channel.close());
    connect.addListener(f -> {
      if (!f.isSuccess()) {
        done.completeExceptionally(f.cause());
        return;
      }
      FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, pathAndQuery(url));
      for (Map.Entry<String, String> header : kubeletHeaders) {
        if (!NOT_PASSED_ON.contains(header.getKey().toLowerCase(Locale.ROOT))) {
          request.headers().add(header.getKey(), header.getValue());
        }
      }
      request.headers().set(HttpHeaderNames.HOST, hostHeader != null ? hostHeader : hostPort(url.getHost(), port));
      request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      channel.writeAndFlush(request).addListener(w -> {
        if (!w.isSuccess()) {
          done.completeExceptionally(w.cause());
        }
      });
    });
    return done;
  }

  private static String pathAndQuery(URI url) {
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    return url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
  }

  private URI redirectTarget(URI current, String location) {
    if (location == null || location.isBlank()) {
      return null;
    }
    try {
      URI resolved = current.resolve(new URI(location.trim()));
      String scheme = resolved.getScheme();
      return "http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme) ? resolved : null;
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }

  private boolean sameHost(URI next) {
    String host = next.getHost();
    if (host == null) {
      return false;
    }
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return bare.equalsIgnoreCase(target.host());
  }

  static String hostPort(String host, int port) {
    return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
  }

  /** Collects status, Location and the first 10 KiB of the body; the rest is read and dropped. */
  private static final class ResponseReader extends SimpleChannelInboundHandler<HttpObject> {
    private final CompletableFuture<Exchange> done;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private int status;
    private String location;

    ResponseReader(CompletableFuture<Exchange> done) {
      this.done = done;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpResponse response) {
        if (!response.decoderResult().isSuccess()) {
          done.completeExceptionally(new IOException("malformed response: " + response.decoderResult().cause()));
          return;
        }
        status = response.status().code();
        location = response.headers().get(HttpHeaderNames.LOCATION);
      }
      if (msg instanceof HttpContent content) {
        ByteBuf bytes = content.content();
        int room = MAX_BODY_BYTES - body.size();
        if (room > 0 && bytes.isReadable()) {
          byte[] part = new byte[Math.min(room, bytes.readableBytes())];
          bytes.getBytes(bytes.readerIndex(), part);
          body.writeBytes(part);
        }
        if (msg instanceof LastHttpContent) {
          done.complete(new Exchange(status, body.toByteArray(), location));
        }
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      done.completeExceptionally(new IOException("the app closed the connection before a complete response"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      done.completeExceptionally(cause);
      ctx.close();
    }
  }
}
