package dev.outrigger.iptables.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An IP network in CIDR form, kept as the masked network address so that it prints the way
 * {@code iptables -S} does ("10.0.0.0/8", "fd00::/64").
 */
public record Cidr(byte[] network, int prefixLength) {
  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

  public Cidr {
    network = mask(network.clone(), prefixLength);
  }

  /** Parses "a.b.c.d/n" or "v6::/n"; the prefix is required, as in Go's net.ParseCIDR. */
  public static Cidr parse(String text) {
    String trimmed = text.trim();
    int slash = trimmed.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("'" + text + "' is not a CIDR (expected: address/prefix, e.g. 10.0.0.0/8)");
    }
    byte[] address = literal(trimmed.substring(0, slash), text);
    String prefix = trimmed.substring(slash + 1);
    int max = address.length * 8;
    if (!prefix.matches("[0-9]{1,3}") || Integer.parseInt(prefix) > max) {
      throw new IllegalArgumentException("'" + text + "' has a bad prefix length (expected: 0-" + max + ")");
    }
    return new Cidr(address, Integer.parseInt(prefix));
  }

  public static List<Cidr> parseList(String text) {
    List<Cidr> cidrs = new ArrayList<>();
    for (String item : CommaList.split(text)) {
      cidrs.add(parse(item));
    }
    return List.copyOf(cidrs);
  }

  public Family family() {
    return network.length == 4 ? Family.IPV4 : Family.IPV6;
  }

  /** 127.0.0.0/8 or ::1: istio-iptables keeps lo traffic captured when such a range is included. */
  public boolean isLoopback() {
    try {
      return InetAddress.getByAddress(network).isLoopbackAddress();
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  @Override
  public byte[] network() {
    return network.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Cidr that && toString().equals(that.toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  @Override
  public String toString() {
    return AddressText.format(network) + "/" + prefixLength;
  }

  private static byte[] literal(String address, String original) {
    // Only literals reach InetAddress, so parsing never turns into a DNS lookup.
    if (!IPV4.matcher(address).matches() && !IPV6.matcher(address).matches()) {
      throw new IllegalArgumentException("'" + original + "' is not a CIDR (bad address '" + address + "')");
    }
    try {
      InetAddress parsed = InetAddress.getByName(address);
      if (IPV6.matcher(address).matches() && parsed instanceof Inet4Address) {
        throw new IllegalArgumentException("'" + original + "': IPv4-mapped IPv6 addresses are not supported");
      }
      return parsed.getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + original + "' is not a CIDR (bad address '" + address + "')");
    }
  }

  private static byte[] mask(byte[] address, int prefixLength) {
    for (int bit = prefixLength; bit < address.length * 8; bit++) {
      address[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    return address;
  }
}
