package dev.outrigger.xds.translate;

import io.envoyproxy.envoy.type.v3.FractionalPercent;
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
}
