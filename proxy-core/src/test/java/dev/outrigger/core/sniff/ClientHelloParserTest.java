package dev.outrigger.core.sniff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

/** ClientHellos as the JDK's TLS client writes them, whole, split, cut short and damaged. */
public class ClientHelloParserTest {
  /** A real ClientHello: the first flight of the JDK's TLS client. */
  public static byte[] hello(String serverName, String... alpn) throws Exception {
    SSLEngine engine = SSLContext.getDefault().createSSLEngine(serverName, 443);
    engine.setUseClientMode(true);
    SSLParameters params = engine.getSSLParameters();
    if (serverName != null) {
      params.setServerNames(List.of(new SNIHostName(serverName)));
    }
    params.setApplicationProtocols(alpn);
    engine.setSSLParameters(params);
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] bytes = new byte[out.remaining()];
    out.get(bytes);
    return bytes;
  }

  private static Optional<ClientHello> parse(byte[] bytes) {
    ByteBuf buf = Unpooled.wrappedBuffer(bytes);
    Optional<ClientHello> hello = ClientHelloParser.parse(buf);
    assertEquals(0, buf.readerIndex(), "nothing is consumed");
    return hello;
  }

  @Test
  void readsTheServerNameAndTheOfferedProtocols() throws Exception {
    ClientHello hello = parse(hello("Reviews.Default.svc.cluster.local", "h2", "http/1.1")).orElseThrow();
    assertEquals("reviews.default.svc.cluster.local", hello.serverName(), "lower case, as Envoy matches it");
    assertEquals(List.of("h2", "http/1.1"), hello.applicationProtocols());
  }

  @Test
  void aHelloWithoutExtensionsOfInterestAsksForNothing() throws Exception {
    ClientHello hello = parse(hello(null)).orElseThrow();
    assertEquals(new ClientHello(true, "", List.of()), hello);
  }

  @Test
  void waitsForEveryByteOfTheHello() throws Exception {
    byte[] whole = hello("example.com", "h2");
    for (int n = 0; n < whole.length; n++) {
      assertEquals(Optional.empty(), parse(Arrays.copyOf(whole, n)), "cut at " + n);
    }
    assertEquals("example.com", parse(whole).orElseThrow().serverName());
  }

  @Test
  void aHelloSplitOverManyRecordsIsReassembled() throws Exception {
    byte[] whole = hello("split.example.com", "istio-http/1.1");
    byte[] split = resplit(whole, 7);
    assertEquals(new ClientHello(true, "split.example.com", List.of("istio-http/1.1")), parse(split).orElseThrow());
  }

  @Test
  void bytesAfterTheHelloDoNotMatter() throws Exception {
    byte[] whole = hello("a.example.com");
    byte[] more = Arrays.copyOf(whole, whole.length + 50);
    more[whole.length] = 0x17; // application data would follow only after the handshake, but be tolerant
    assertEquals("a.example.com", parse(more).orElseThrow().serverName());
  }

  @Test
  void hostileInputIsTlsWithoutANameAndNeverAnException() throws Exception {
    // A handshake message that is not a ClientHello.
    assertEquals(Optional.of(ClientHello.UNREAD), parse(new byte[] {0x16, 3, 1, 0, 4, 2, 0, 0, 0}));
    // A record of length zero.
    assertEquals(Optional.of(ClientHello.UNREAD), parse(new byte[] {0x16, 3, 1, 0, 0, 1}));
    // A hello declaring more than the cap: not waited for.
    assertEquals(Optional.of(ClientHello.UNREAD), parse(new byte[] {0x16, 3, 1, 0x40, 0, 1, 0x7f, (byte) 0xff, (byte) 0xff}));
    // Another record type between the fragments of a hello.
    byte[] split = resplit(hello("x.example.com"), 20);
    split[25] = 0x17;
    assertEquals(Optional.of(ClientHello.UNREAD), parse(split));
    // Lengths inside the hello that point past its end.
    byte[] whole = hello("y.example.com", "h2");
    Random random = new Random(42);
    for (int i = 0; i < 5000; i++) {
      byte[] damaged = whole.clone();
      for (int k = 0; k < 1 + random.nextInt(4); k++) {
        damaged[9 + random.nextInt(damaged.length - 9)] = (byte) random.nextInt(256);
      }
      Optional<ClientHello> hello = parse(damaged); // must not throw
      assertTrue(hello.isEmpty() || hello.get().serverName().isEmpty() || hello.get().serverName().length() < 64);
    }
    for (int i = 0; i < 2000; i++) {
      byte[] noise = new byte[random.nextInt(300)];
      random.nextBytes(noise);
      if (noise.length > 1) {
        noise[0] = 0x16;
        noise[1] = 3;
      }
      parse(noise);
    }
  }

  /** The hello's handshake bytes again, in records of at most {@code size} bytes. */
  private static byte[] resplit(byte[] whole, int size) {
    int length = ((whole[3] & 0xff) << 8) | (whole[4] & 0xff);
    byte[] handshake = Arrays.copyOfRange(whole, 5, 5 + length);
    ByteBuf out = Unpooled.buffer();
    for (int at = 0; at < handshake.length; at += size) {
      int n = Math.min(size, handshake.length - at);
      out.writeByte(0x16).writeByte(3).writeByte(1).writeShort(n).writeBytes(handshake, at, n);
    }
    byte[] bytes = new byte[out.readableBytes()];
    out.readBytes(bytes);
    return bytes;
  }
}
