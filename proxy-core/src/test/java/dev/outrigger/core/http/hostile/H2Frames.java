package dev.outrigger.core.http.hostile;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * HTTP/2 frames built and read by hand (RFC 9113 §4), so that a test can send exactly the
 * malformed header block it wants. Header blocks are HPACK literals without indexing or Huffman
 * coding (RFC 7541 §6.2.2): every byte of every name and value is sent as written.
 */
final class H2Frames {
  static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  static final int DATA = 0;
  static final int HEADERS = 1;
  static final int PRIORITY = 2;
  static final int RST_STREAM = 3;
  static final int SETTINGS = 4;
  static final int PING = 6;
  static final int GOAWAY = 7;
  static final int WINDOW_UPDATE = 8;
  static final int CONTINUATION = 9;
  static final int END_STREAM = 0x1;
  static final int ACK = 0x1;
  static final int END_HEADERS = 0x4;
  static final int PADDED = 0x8;
  static final int PRIORITY_FLAG = 0x20;

  record Frame(int type, int flags, int stream, byte[] payload) {
    boolean has(int flag) {
      return (flags & flag) != 0;
    }

    int errorCode() {
      int at = type == GOAWAY ? 4 : 0;
      return ((payload[at] & 0xff) << 24) | ((payload[at + 1] & 0xff) << 16) | ((payload[at + 2] & 0xff) << 8)
          | (payload[at + 3] & 0xff);
    }

    /** The header block fragment of a HEADERS frame, without padding and priority fields. */
    byte[] headerBlock() {
      int from = 0;
      int to = payload.length;
      if (has(PADDED)) {
        to -= payload[0] & 0xff;
        from = 1;
      }
      if (type == HEADERS && has(PRIORITY_FLAG)) {
        from += 5;
      }
      return java.util.Arrays.copyOfRange(payload, from, to);
    }
  }

  private H2Frames() {}

  static byte[] frame(int type, int flags, int stream, byte[] payload) {
    byte[] f = new byte[9 + payload.length];
    f[0] = (byte) (payload.length >>> 16);
    f[1] = (byte) (payload.length >>> 8);
    f[2] = (byte) payload.length;
    f[3] = (byte) type;
    f[4] = (byte) flags;
    f[5] = (byte) (stream >>> 24 & 0x7f);
    f[6] = (byte) (stream >>> 16);
    f[7] = (byte) (stream >>> 8);
    f[8] = (byte) stream;
    System.arraycopy(payload, 0, f, 9, payload.length);
    return f;
  }

  static byte[] settings() {
    return frame(SETTINGS, 0, 0, new byte[0]);
  }

  static byte[] settingsAck() {
    return frame(SETTINGS, ACK, 0, new byte[0]);
  }

  static byte[] rstStream(int stream, int errorCode) {
    return frame(RST_STREAM, 0, stream, new byte[] {(byte) (errorCode >>> 24), (byte) (errorCode >>> 16),
        (byte) (errorCode >>> 8), (byte) errorCode});
  }

  /** A HEADERS frame whose block holds {@code fields} ("name", "value", ...) exactly as given. */
  static byte[] headers(int stream, boolean endStream, String... fields) {
    return frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), stream, literalBlock(fields));
  }

  /** A header block larger than one frame: HEADERS, then CONTINUATION frames of at most 16 KiB. */
  static byte[] headersInFrames(int stream, boolean endStream, String... fields) {
    byte[] block = literalBlock(fields);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int max = 16384; // SETTINGS_MAX_FRAME_SIZE's initial value
    for (int from = 0; from < block.length; from += max) {
      byte[] part = java.util.Arrays.copyOfRange(block, from, Math.min(block.length, from + max));
      boolean last = from + max >= block.length;
      int flags = (last ? END_HEADERS : 0) | (from == 0 && endStream ? END_STREAM : 0);
      b.writeBytes(frame(from == 0 ? HEADERS : CONTINUATION, flags, stream, part));
    }
    return b.toByteArray();
  }

  static byte[] data(int stream, boolean endStream, String data) {
    return frame(DATA, endStream ? END_STREAM : 0, stream, data.getBytes(StandardCharsets.ISO_8859_1));
  }

  static byte[] literalBlock(String... fields) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0; i < fields.length; i += 2) {
      b.write(0x00); // literal header field without indexing, new name
      string(b, fields[i]);
      string(b, fields[i + 1]);
    }
    return b.toByteArray();
  }

  private static void string(ByteArrayOutputStream b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
    integer(b, bytes.length, 7, 0x00); // H bit clear: no Huffman
    b.writeBytes(bytes);
  }

  private static void integer(ByteArrayOutputStream b, int value, int prefixBits, int firstByteFlags) {
    int max = (1 << prefixBits) - 1;
    if (value < max) {
      b.write(firstByteFlags | value);
      return;
    }
    b.write(firstByteFlags | max);
    value -= max;
    while (value >= 128) {
      b.write(value % 128 + 128);
      value /= 128;
    }
    b.write(value);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }

  /** The next frame, or null at a clean end of stream. */
  static Frame read(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    int first = d.read();
    if (first < 0) {
      return null;
    }
    byte[] h = new byte[8];
    d.readFully(h);
    int length = (first << 16) | ((h[0] & 0xff) << 8) | (h[1] & 0xff);
    int stream = ((h[4] & 0x7f) << 24) | ((h[5] & 0xff) << 16) | ((h[6] & 0xff) << 8) | (h[7] & 0xff);
    byte[] payload = new byte[length];
    try {
      d.readFully(payload);
    } catch (EOFException e) {
      return null;
    }
    return new Frame(h[2] & 0xff, h[3] & 0xff, stream, payload);
  }

  /** One HPACK decoding context: a connection's header blocks must be decoded in order. */
  static final class Decoder {
    // The test's own peers take header lists up to 64 KiB, past the proxy's 60 KiB limit, so that
    // the limit they observe is the proxy's (Netty's decoder defaults to 8 KiB).
    private final DefaultHttp2HeadersDecoder hpack = new DefaultHttp2HeadersDecoder(false, 64 * 1024);

    List<Message.Header> decode(int stream, byte[] block) throws Http2Exception {
      ByteBuf buf = Unpooled.wrappedBuffer(block);
      try {
        Http2Headers headers = hpack.decodeHeaders(stream, buf);
        List<Message.Header> list = new ArrayList<>();
        for (Map.Entry<CharSequence, CharSequence> e : headers) {
          list.add(new Message.Header(e.getKey().toString(), e.getValue().toString()));
        }
        return list;
      } finally {
        buf.release();
      }
    }
  }
}
