package dev.outrigger.core.sniff;

/** What the first bytes of a client connection say it speaks. */
public enum Protocol {
  /** HTTP/1.0 or HTTP/1.1 request line. */
  HTTP1,
  /** HTTP/2 with prior knowledge (h2c): the connection preface. */
  HTTP2,
  /** A TLS ClientHello: relayed as bytes (it may be mTLS or HTTPS end to end). */
  TLS,
  /** Anything else, relayed as bytes. */
  OPAQUE
}
