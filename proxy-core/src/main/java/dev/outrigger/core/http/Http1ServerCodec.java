package dev.outrigger.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The client-facing HTTP/1.1 codec: Netty's request decoder made as strict as Envoy's (see
 * {@link StrictDecoding}), and a response encoder that knows which responses answer a HEAD.
 */
final class Http1ServerCodec extends CombinedChannelDuplexHandler<HttpRequestDecoder, HttpResponseEncoder> {
  Http1ServerCodec(int maxHeaderBytes, int maxChunkBytes) {
    ArrayDeque<HttpMethod> methods = new ArrayDeque<>(2);
    HttpDecoderConfig config = new HttpDecoderConfig()
        .setMaxInitialLineLength(maxHeaderBytes)
        .setMaxHeaderSize(maxHeaderBytes)
        .setMaxChunkSize(maxChunkBytes);
    init(new RequestDecoder(config, methods), new ResponseEncoder(methods));
  }

  private static final class RequestDecoder extends HttpRequestDecoder {
    private final ArrayDeque<HttpMethod> methods;
    private final StrictDecoding strict = new StrictDecoding(this::createInvalidMessage);

    RequestDecoder(HttpDecoderConfig config, ArrayDeque<HttpMethod> methods) {
      super(config);
      this.methods = methods;
    }

    /** RFC 9112 section 2.3: "HTTP" is case-sensitive; Netty would read "http/1.1" as HTTP/1.1. */
    @Override
    protected String splitThirdWordInitialLine(byte[] line, int start, int length) {
      String version = super.splitThirdWordInitialLine(line, start, length);
      if (!version.startsWith("HTTP/")) {
        throw new IllegalArgumentException("version '" + version + "' (expected: HTTP/1.0 or HTTP/1.1)");
      }
      return version;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
      int first = out.size();
      strict.decode(in, out, (buf, list) -> super.decode(ctx, buf, list));
      for (int i = first; i < out.size(); i++) {
        if (out.get(i) instanceof HttpRequest request) {
          methods.add(request.method());
        }
      }
    }
  }

  /** Writes no body for a response to HEAD, whatever its headers announce (RFC 9110 section 9.3.2). */
  private static final class ResponseEncoder extends HttpResponseEncoder {
    private final ArrayDeque<HttpMethod> methods;

    ResponseEncoder(ArrayDeque<HttpMethod> methods) {
      this.methods = methods;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
      if (msg.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
        return super.isContentAlwaysEmpty(msg); // an interim answer; the request's final one follows
      }
      HttpMethod method = methods.poll();
      return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
    }
  }
}
