package dev.outrigger.core.sniff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProtocolDetectorTest {
  @Test
  void http1RequestLine() {
    assertEquals(Optional.of(Protocol.HTTP1), detect("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    assertEquals(Optional.of(Protocol.HTTP1), detect("POST /upload?x=1 HTTP/1.0\r\n"));
  }

  @Test
  void waitsForTheWholeRequestLine() {
    assertEquals(Optional.empty(), detect("GE"));
    assertEquals(Optional.empty(), detect("GET /long/path"));
  }

  @Test
  void h2cPreface() {
    assertEquals(Optional.empty(), detect("PRI * HTTP/2.0\r\n"));
    assertEquals(Optional.of(Protocol.HTTP2), detect("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
    // Another version on an HTTP/1 request line goes to the HTTP path, which refuses it with 400.
    assertEquals(Optional.of(Protocol.HTTP1), detect("GET / HTTP/2.0\r\n"));
  }

  @Test
  void tlsOnceTheWholeClientHelloIsIn() throws Exception {
    byte[] hello = ClientHelloParserTest.hello("reviews.default.svc.cluster.local", "h2");
    assertEquals(Optional.empty(), ProtocolDetector.detect(Unpooled.wrappedBuffer(hello, 0, hello.length - 1)),
        "as tls_inspector: the name and ALPN are read before the chain is chosen");
    assertEquals(Optional.of(Protocol.TLS), ProtocolDetector.detect(Unpooled.wrappedBuffer(hello)));
    // A record that cannot be a ClientHello is TLS (without a name) at once.
    ByteBuf notAHello = Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01, 0x00, 0x04, 0x02, 0, 0, 0});
    assertEquals(Optional.of(Protocol.TLS), ProtocolDetector.detect(notAHello));
    // Out of time with part of a hello: still TLS.
    ByteBuf part = Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00});
    assertEquals(Protocol.TLS, ProtocolDetector.undecided(part, Protocol.HTTP1));
    assertEquals(Protocol.HTTP1, ProtocolDetector.undecided(Unpooled.copiedBuffer("GET /", StandardCharsets.US_ASCII),
        Protocol.HTTP1));
  }

  @Test
  void anythingElseIsOpaqueFromTheFirstByteThatFitsNothing() {
    assertEquals(Optional.of(Protocol.OPAQUE), detect("ping\n"));
    assertEquals(Optional.of(Protocol.OPAQUE), detect("x"));
    assertEquals(Optional.of(Protocol.OPAQUE), detect("GETX / HTTP/1.1\r\n"));
    assertEquals(Optional.of(Protocol.OPAQUE), detect("GET / SMTP\r\n"));
    assertEquals(Optional.of(Protocol.OPAQUE), detect("GET / HTTP/x.1\r\n"));
    assertEquals(Optional.of(Protocol.OPAQUE), detect("*1\r\n$4\r\nPING\r\n")); // redis
  }

  private static Optional<Protocol> detect(String s) {
    return ProtocolDetector.detect(Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII));
  }
}
