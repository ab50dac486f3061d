package dev.outrigger.core.route.listener;

import java.net.InetAddress;

/** A CIDR range (Envoy's CidrRange), matched against a connection's address. */
public record IpPrefix(InetAddress base, int length) {
  public IpPrefix {
    int bits = base.getAddress().length * 8;
    if (length < 0 || length > bits) {
      throw new IllegalArgumentException("prefix length " + length + " for " + base.getHostAddress()
          + " (expected: 0-" + bits + ")");
    }
  }

  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    byte[] b = base.getAddress();
    if (a.length != b.length) {
      return false;
    }
    int full = length / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != b[i]) {
        return false;
      }
    }
    int rest = length % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xFF << (8 - rest)) & 0xFF;
    return (a[full] & mask) == (b[full] & mask);
  }

  @Override
  public String toString() {
    return base.getHostAddress() + "/" + length;
  }
}
