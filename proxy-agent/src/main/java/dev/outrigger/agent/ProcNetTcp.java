package dev.outrigger.agent;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The listening sockets in the text of /proc/net/tcp or /proc/net/tcp6. The kernel prints each
 * address as 32-bit words in the host's byte order ({@code %08X} of the raw word: 127.0.0.1 is
 * {@code 0100007F} on a little-endian host) and the port in plain hex; LISTEN is state {@code 0A}.
 */
final class ProcNetTcp {
  /** TCP_LISTEN in include/net/tcp_states.h. */
  static final String LISTEN_STATE = "0A";

  private ProcNetTcp() {}

  /** The local addresses of the LISTEN rows; the header and malformed rows are skipped. */
  static List<InetSocketAddress> listeners(String text, ByteOrder hostOrder) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] fields = line.trim().split("\\s+");
      // "sl local_address rem_address st ...": the header's second field has no ':'.
      if (fields.length < 4 || !fields[0].endsWith(":") || !LISTEN_STATE.equals(fields[3])) {
        continue;
      }
      InetSocketAddress local = address(fields[1], hostOrder);
      if (local != null) {
        out.add(local);
      }
    }
    return out;
  }

  /** "0100007F:1F90" or 32 hex digits for IPv6, ':' and the port; null if it is neither. */
  static InetSocketAddress address(String field, ByteOrder hostOrder) {
    int colon = field.indexOf(':');
    if (colon < 0) {
      return null;
    }
    String hex = field.substring(0, colon);
    if (hex.length() != 8 && hex.length() != 32) {
      return null;
    }
    try {
      int port = Integer.parseInt(field.substring(colon + 1), 16);
      byte[] bytes = new byte[hex.length() / 2];
      for (int word = 0; word < bytes.length / 4; word++) {
        long value = Long.parseLong(hex.substring(word * 8, word * 8 + 8), 16);
        for (int i = 0; i < 4; i++) {
          // The printed word is the raw one read as an integer: its least significant byte came first
          // in memory on a little-endian host.
          int shift = hostOrder == ByteOrder.LITTLE_ENDIAN ? 8 * i : 8 * (3 - i);
          bytes[word * 4 + i] = (byte) (value >>> shift);
        }
      }
      if (port > 65535) {
        return null;
      }
      return new InetSocketAddress(InetAddress.getByAddress(bytes), port);
    } catch (NumberFormatException | UnknownHostException e) {
      return null;
    }
  }
}
