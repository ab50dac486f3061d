package dev.outrigger.core.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/** Decodes a struct sockaddr_in or sockaddr_in6 as the kernel writes it (family in host order). */
final class Sockaddr {
  static final int AF_INET = 2;
  static final int AF_INET6 = 10;
  static final int IN_LENGTH = 16;
  static final int IN6_LENGTH = 28;

  private Sockaddr() {}

  static InetSocketAddress decode(ByteBuffer raw) {
    int family = (raw.get(0) & 0xff) | (raw.get(1) & 0xff) << 8;
    int port = (raw.get(2) & 0xff) << 8 | (raw.get(3) & 0xff);
    if (family == AF_INET && raw.limit() >= IN_LENGTH) {
      return new InetSocketAddress(address(raw, 4, 4), port);
    }
    if (family == AF_INET6 && raw.limit() >= IN6_LENGTH) {
      return new InetSocketAddress(address(raw, 8, 16), port);
    }
    throw new IllegalArgumentException("unexpected address family " + family + " in " + raw.limit() + " bytes");
  }

  private static InetAddress address(ByteBuffer raw, int offset, int length) {
    byte[] bytes = new byte[length];
    raw.get(offset, bytes);
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
