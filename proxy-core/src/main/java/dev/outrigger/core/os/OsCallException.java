package dev.outrigger.core.os;

import java.io.IOException;

/** A failed libc call, with its errno so callers can tell "no NAT record" from other failures. */
public final class OsCallException extends IOException {
  public static final int ENOENT = 2;
  public static final int ENOPROTOOPT = 92;

  private final int errno;

  public OsCallException(String call, int errno) {
    super(call + " failed: " + describe(errno) + " (errno " + errno + ")");
    this.errno = errno;
  }

  public int errno() {
    return errno;
  }

  private static String describe(int errno) {
    switch (errno) {
      case ENOENT:
        return "no NAT record for this connection (not redirected by iptables?)";
      case ENOPROTOOPT:
        return "netfilter conntrack is not available";
      default:
        return "error";
    }
  }
}
