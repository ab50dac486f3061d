package dev.outrigger.core.http;

import dev.outrigger.core.overload.ReadGate;
import dev.outrigger.core.peer.PeerHeaders;
import dev.outrigger.core.route.table.HeaderMutations;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * The client's side of one exchange: its request as it arrives, and what goes back. Owns the
 * facts of that side (whether the request arrived whole, whether the connection may carry
 * another request); the exchange decides when to read and what to write.
 */
final class DownstreamStream {
  private final Channel channel;
  private final HttpRequest request;
  private final boolean upgrade;
  private boolean keepAlive;
  private boolean requestComplete;

  DownstreamStream(Channel channel, HttpRequest request) {
    this.channel = channel;
    this.request = request;
    this.upgrade = ProxyHeaders.isUpgrade(request.headers());
    this.keepAlive = HttpUtil.isKeepAlive(request);
    // HTTP/2 hands over a request whose HEADERS frame ended the stream as one FullHttpRequest.
    this.requestComplete = request instanceof LastHttpContent;
  }

  Channel channel() {
    return channel;
  }

  HttpRequest request() {
    return request;
  }

  /** Connection: upgrade with an Upgrade header (WebSocket): a 101 turns the connection into a relay. */
  boolean upgrade() {
    return upgrade;
  }

  boolean requestComplete() {
    return requestComplete;
  }

  void requestComplete(boolean value) {
    requestComplete = value;
  }

  boolean keepAlive() {
    return keepAlive;
  }

  /** The client connection ends after this exchange. */
  void endAfterExchange() {
    keepAlive = false;
  }

  boolean isWritable() {
    return channel.isWritable();
  }

  /** Reads more of the request, whose bytes go to {@code upstream} (null while there is none). */
  void readMore(Channel upstream) {
    ReadGate.read(channel, upstream);
  }

  void write(HttpObject part) {
    channel.write(part, channel.voidPromise());
  }

  void flush() {
    channel.flush();
  }

  void close() {
    channel.close();
  }

  /** The exchange is over: a request that arrived whole (HTTP/2) holds a buffer until now. */
  void release() {
    ReferenceCountUtil.release(request);
  }

  /**
   * Writes a local reply: an HTTP/1.0 client is answered in 1.0; anything the decoder refused, or
   * another version, in 1.1.
   *
   * @return the bytes of its body
   */
  int reply(LocalReply reply, HeaderMutations routeHeaders, PeerHeaders peers) {
    boolean http10 = request.decoderResult().isSuccess() && request.protocolVersion().equals(HttpVersion.HTTP_1_0);
    FullHttpResponse response = reply.toResponse(channel.alloc(), http10 ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1);
    int bytes = response.content().readableBytes();
    RouteHeaders.response(response.headers(), routeHeaders);
    peers.onResponse(response.headers()); // Envoy's local replies pass the metadata exchange filter too
    HttpUtil.setKeepAlive(response, keepAlive);
    channel.writeAndFlush(response, channel.voidPromise());
    return bytes;
  }
}
