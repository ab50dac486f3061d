package dev.outrigger.xds.translate;

import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/** Small conversions from Envoy's protobuf value types. */
final class Protos {
  private Protos() {}

  static Duration duration(com.google.protobuf.Duration d) {
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  /** A FractionalPercent as a percentage 0-100. */
  static double percent(FractionalPercent p) {
    double denominator = switch (p.getDenominator()) {
      case HUNDRED -> 100;
      case TEN_THOUSAND -> 10_000;
      case MILLION -> 1_000_000;
      default -> throw new IllegalArgumentException("fractional percent denominator " + p.getDenominator());
    };
    return Math.min(100, p.getNumerator() * 100 / denominator);
  }

  /** An IP literal as a resolved address (no DNS look-up); a host name stays unresolved, for DNS clusters. */
  static InetSocketAddress socketAddress(String host, int port) {
    byte[] ip = NetUtil.createByteArrayFromIpAddressString(host);
    if (ip == null) {
      return InetSocketAddress.createUnresolved(host, port);
    }
    try {
      return new InetSocketAddress(InetAddress.getByAddress(ip), port);
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
