package dev.outrigger.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.util.AsciiString;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The upstream-facing HTTP/1.1 codec. Its response decoder refuses what Envoy's refuses and Netty's
 * tolerates: folded header lines, and whitespace between a header name and its colon (Netty strips
 * it from responses; a server downstream might not). A refused response becomes an invalid
 * message, which the exchange answers with 503 UPE. The response to a HEAD has no body.
 */
final class Http1ClientCodec extends CombinedChannelDuplexHandler<HttpResponseDecoder, HttpRequestEncoder> {
  Http1ClientCodec(int maxHeaderBytes, int maxChunkBytes) {
    ArrayDeque<HttpMethod> methods = new ArrayDeque<>(2);
    HttpDecoderConfig config = new HttpDecoderConfig()
        .setMaxHeaderSize(maxHeaderBytes)
        .setMaxChunkSize(maxChunkBytes);
    init(new ResponseDecoder(config, methods), new RequestEncoder(methods));
  }

  private static final class ResponseDecoder extends HttpResponseDecoder {
    private final ArrayDeque<HttpMethod> methods;
    private final StrictDecoding strict = new StrictDecoding(this::createInvalidMessage);

    ResponseDecoder(HttpDecoderConfig config, ArrayDeque<HttpMethod> methods) {
      super(config);
      this.methods = methods;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
      strict.decode(in, out, (buf, list) -> super.decode(ctx, buf, list));
    }

    @Override
    protected AsciiString splitHeaderName(byte[] line, int start, int length) {
      if (line[start + length] != ':') {
        throw new IllegalArgumentException("whitespace between a header name and the colon");
      }
      return super.splitHeaderName(line, start, length);
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
      HttpResponse response = (HttpResponse) msg;
      if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
        return super.isContentAlwaysEmpty(msg); // an interim answer; the request's final one follows
      }
      HttpMethod method = methods.poll();
      return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
    }
  }

  private static final class RequestEncoder extends HttpRequestEncoder {
    private final ArrayDeque<HttpMethod> methods;

    RequestEncoder(ArrayDeque<HttpMethod> methods) {
      this.methods = methods;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) throws Exception {
      if (msg instanceof HttpRequest request) {
        methods.add(request.method());
      }
      super.encode(ctx, msg, out);
    }
  }
}
