package dev.outrigger.core.http;

/** The client-side carrier of exchanges: an HTTP/1.1 connection or one HTTP/2 stream. */
interface ExchangeOwner {
  /** The exchange is over; {@code keepAlive} says whether the client connection may go on. */
  void exchangeDone(boolean keepAlive);

  /** A 101 answer turned the connection into a byte relay (HTTP/1.1 only). */
  void handedOver();

  /** The protocol as the access log names it: HTTP/1.1, HTTP/1.0 or HTTP/2. */
  String protocol(io.netty.handler.codec.http.HttpRequest request);

  /** Whether requests go upstream as HTTP/2 (h2c end to end) rather than HTTP/1.1. */
  boolean http2();
}
