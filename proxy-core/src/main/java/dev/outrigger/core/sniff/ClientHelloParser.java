package dev.outrigger.core.sniff;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the server name and offered ALPN out of a connection's first bytes when they are a TLS
 * ClientHello (RFC 8446 section 4.1.2, RFC 6066 section 3, RFC 7301 section 3.1), without
 * consuming them. Netty's SniHandler keeps its parser private and reads no ALPN, so this is a
 * small one of its own.
 *
 * <p>Defensive by construction: every length is checked against what is there before it is used,
 * the handshake is read from at most {@link #MAX_HELLO_BYTES}, and anything that does not parse
 * is {@link ClientHello#UNREAD} (transport "tls", no name) rather than an exception. Like Envoy's
 * tls_inspector, which waits for the whole ClientHello before a filter chain is chosen.
 */
public final class ClientHelloParser {
  /**
   * The most handshake bytes waited for: Envoy's tls_inspector default (16 KiB, one TLS
   * record's plaintext). A bigger hello is TLS without a name, not a reason to buffer more.
   */
  public static final int MAX_HELLO_BYTES = 16 * 1024;
  private static final int RECORD_HEADER = 5;
  private static final byte CONTENT_HANDSHAKE = 0x16;
  private static final byte HANDSHAKE_CLIENT_HELLO = 0x01;
  private static final int EXTENSION_SERVER_NAME = 0;
  private static final int EXTENSION_ALPN = 16;
  private static final int NAME_TYPE_HOST_NAME = 0;

  private ClientHelloParser() {}

  /** Whether the bytes start like a TLS handshake record (content type 22, major version 3). */
  public static boolean looksLikeTls(ByteBuf bytes) {
    return bytes.readableBytes() >= 2 && bytes.getByte(bytes.readerIndex()) == CONTENT_HANDSHAKE
        && bytes.getByte(bytes.readerIndex() + 1) == 3;
  }

  /**
   * @return the hello once it is complete, or {@link ClientHello#UNREAD} once it is certain it
   *     cannot be read; empty while more bytes could still complete it
   */
  public static Optional<ClientHello> parse(ByteBuf bytes) {
    int at = bytes.readerIndex();
    int end = bytes.writerIndex();
    // The handshake payload is never more than the bytes here, nor than the cap.
    byte[] handshake = new byte[Math.min(MAX_HELLO_BYTES + 4, end - at)];
    int have = 0;
    int needed = -1; // the whole handshake message's length, once its header is in
    // The handshake message may be split over several records; gather their payloads.
    while (needed < 0 || have < needed) {
      if (end - at < RECORD_HEADER) {
        return Optional.empty();
      }
      if (bytes.getByte(at) != CONTENT_HANDSHAKE || bytes.getByte(at + 1) != 3) {
        return Optional.of(ClientHello.UNREAD); // another record before the hello was whole
      }
      int length = bytes.getUnsignedShort(at + 3);
      if (length == 0) {
        return Optional.of(ClientHello.UNREAD);
      }
      if (end - at - RECORD_HEADER < length) {
        // A partial record: enough if the hello ends within what is here, else wait for the rest.
        int partial = end - at - RECORD_HEADER;
        int take = Math.min(partial, handshake.length - have);
        bytes.getBytes(at + RECORD_HEADER, handshake, have, take);
        have += take;
        needed = needed >= 0 ? needed : handshakeLength(handshake, have);
        if (needed == -2) {
          return Optional.of(ClientHello.UNREAD);
        }
        return needed >= 0 && have >= needed ? Optional.of(read(handshake, needed)) : Optional.empty();
      }
      int take = Math.min(length, handshake.length - have);
      bytes.getBytes(at + RECORD_HEADER, handshake, have, take);
      have += take;
      at += RECORD_HEADER + length;
      if (needed < 0) {
        needed = handshakeLength(handshake, have);
        if (needed == -2) {
          return Optional.of(ClientHello.UNREAD);
        }
      }
    }
    return Optional.of(read(handshake, needed));
  }

  /** The handshake message's total length (header included); -1 if its header is not in yet, -2 if unusable. */
  private static int handshakeLength(byte[] h, int have) {
    if (have < 4) {
      return -1;
    }
    if (h[0] != HANDSHAKE_CLIENT_HELLO) {
      return -2;
    }
    int body = ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
    return body + 4 > MAX_HELLO_BYTES ? -2 : body + 4;
  }

  /** The hello's fields; anything out of bounds makes it UNREAD. */
  private static ClientHello read(byte[] h, int length) {
    Cursor c = new Cursor(h, 4, length);
    if (!c.skip(2 + 32) || !c.skipVector(1) || !c.skipVector(2) || !c.skipVector(1)) {
      return ClientHello.UNREAD; // version, random, session id, cipher suites, compression methods
    }
    if (c.remaining() == 0) {
      return new ClientHello(true, "", List.of()); // a hello without extensions asks for nothing
    }
    int extensionsEnd = c.vectorEnd(2);
    if (extensionsEnd < 0 || extensionsEnd != length) {
      return ClientHello.UNREAD;
    }
    String serverName = "";
    List<String> alpn = List.of();
    while (c.at < extensionsEnd) {
      int type = c.u16();
      int dataEnd = type < 0 ? -1 : c.vectorEnd(2);
      if (dataEnd < 0) {
        return ClientHello.UNREAD;
      }
      Cursor data = new Cursor(h, c.at, dataEnd);
      if (type == EXTENSION_SERVER_NAME) {
        serverName = serverName(data);
        if (serverName == null) {
          return ClientHello.UNREAD;
        }
      } else if (type == EXTENSION_ALPN) {
        alpn = alpn(data);
        if (alpn == null) {
          return ClientHello.UNREAD;
        }
      }
      c.at = dataEnd;
    }
    return new ClientHello(true, serverName, alpn);
  }

  /** RFC 6066: a list of (name_type, name); the host_name one, lower case. Null if malformed. */
  private static String serverName(Cursor c) {
    int listEnd = c.vectorEnd(2);
    if (listEnd < 0) {
      return null;
    }
    String name = "";
    while (c.at < listEnd) {
      int type = c.u8();
      int nameEnd = type < 0 ? -1 : c.vectorEnd(2);
      if (nameEnd < 0 || nameEnd > listEnd) {
        return null;
      }
      if (type == NAME_TYPE_HOST_NAME && name.isEmpty()) {
        name = new String(c.bytes, c.at, nameEnd - c.at, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
      }
      c.at = nameEnd;
    }
    return name;
  }

  /** RFC 7301: a list of non-empty 8-bit-length protocol names. Null if malformed. */
  private static List<String> alpn(Cursor c) {
    int listEnd = c.vectorEnd(2);
    if (listEnd < 0) {
      return null;
    }
    List<String> out = new ArrayList<>();
    while (c.at < listEnd) {
      int nameEnd = c.vectorEnd(1);
      if (nameEnd < 0 || nameEnd > listEnd || nameEnd == c.at) {
        return null;
      }
      out.add(new String(c.bytes, c.at, nameEnd - c.at, StandardCharsets.ISO_8859_1));
      c.at = nameEnd;
    }
    return out;
  }

  /** A read position that never passes its limit: each read says -1 / false instead. */
  private static final class Cursor {
    final byte[] bytes;
    int at;
    final int limit;

    Cursor(byte[] bytes, int at, int limit) {
      this.bytes = bytes;
      this.at = at;
      this.limit = limit;
    }

    int remaining() {
      return limit - at;
    }

    boolean skip(int n) {
      if (remaining() < n) {
        return false;
      }
      at += n;
      return true;
    }

    int u8() {
      return remaining() < 1 ? -1 : bytes[at++] & 0xff;
    }

    int u16() {
      if (remaining() < 2) {
        return -1;
      }
      int v = ((bytes[at] & 0xff) << 8) | (bytes[at + 1] & 0xff);
      at += 2;
      return v;
    }

    /** Reads a vector's length prefix; returns where the vector ends, or -1 if it does not fit. */
    int vectorEnd(int lengthBytes) {
      int n = lengthBytes == 1 ? u8() : u16();
      return n < 0 || remaining() < n ? -1 : at + n;
    }

    boolean skipVector(int lengthBytes) {
      int vectorEnd = vectorEnd(lengthBytes);
      if (vectorEnd < 0) {
        return false;
      }
      at = vectorEnd;
      return true;
    }
  }
}
