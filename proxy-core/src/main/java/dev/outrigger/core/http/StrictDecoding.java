package dev.outrigger.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;
import java.util.function.Supplier;

/**
 * What our HTTP/1 decoders add around Netty's: a header section with a folded line becomes an
 * invalid message (as Netty reports every other parse error), and nothing after it is decoded.
 * Both the client-side (request) and the upstream-side (response) decoder delegate here.
 */
final class StrictDecoding {
  /** The decoding step of the Netty decoder being wrapped ({@code super.decode}). */
  @FunctionalInterface
  interface Step {
    void decode(ByteBuf in, List<Object> out) throws Exception;
  }

  private final HeadScanner scanner = new HeadScanner();
  private final Supplier<HttpMessage> invalidMessage;
  private boolean inHead = true;
  private boolean failed;
  private boolean switchedProtocols;

  StrictDecoding(Supplier<HttpMessage> invalidMessage) {
    this.invalidMessage = invalidMessage;
  }

  void decode(ByteBuf in, List<Object> out, Step step) throws Exception {
    if (failed) {
      in.skipBytes(in.readableBytes()); // as Netty's decoder does after a bad message
      return;
    }
    if (inHead && !switchedProtocols && !scanner.scan(in)) {
      failed = true;
      in.skipBytes(in.readableBytes());
      HttpMessage invalid = invalidMessage.get();
      invalid.setDecoderResult(DecoderResult.failure(
          new IllegalArgumentException("obsolete line folding (a header line starting with whitespace)")));
      out.add(invalid);
      return;
    }
    int first = out.size();
    int readerIndex = in.readerIndex();
    step.decode(in, out);
    scanner.consumed(in.readerIndex() - readerIndex);
    for (int i = first; i < out.size(); i++) {
      Object decoded = out.get(i);
      if (decoded instanceof HttpMessage message) {
        inHead = false;
        if (message instanceof HttpResponse response
            && response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
          switchedProtocols = true; // what follows is another protocol's bytes
        }
      }
      if (decoded instanceof LastHttpContent) {
        inHead = true;
        scanner.reset();
      }
    }
  }
}
