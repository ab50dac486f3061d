package dev.outrigger.core.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/** The downstream peer of an accepted connection: the app (outbound) or the calling pod (inbound). */
public record ClientAddress(InetSocketAddress address) {
  public ClientAddress {
    Objects.requireNonNull(address, "address");
  }

  public InetAddress ip() {
    return address.getAddress();
  }

  @Override
  public String toString() {
    return address.toString();
  }
}
