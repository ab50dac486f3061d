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
  void tlsClientHello() {
    ByteBuf hello = Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00});
    assertEquals(Optional.of(Protocol.TLS), ProtocolDetector.detect(hello));
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
