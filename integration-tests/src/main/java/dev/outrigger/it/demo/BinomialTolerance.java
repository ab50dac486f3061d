package dev.outrigger.it.demo;

/**
 * How far the count of one outcome over {@code trials} independent weighted picks may stray from
 * its expectation: {@code sigmas} standard deviations of the binomial, |count - n p| &lt;=
 * sigmas * sqrt(n p (1 - p)). Envoy picks a weighted cluster per request at random, so each
 * subset's count is binomial(n, p).
 */
public record BinomialTolerance(int trials, double probability, double sigmas) {
  public BinomialTolerance {
    if (trials <= 0 || probability < 0 || probability > 1 || sigmas <= 0) {
      throw new IllegalArgumentException("trials " + trials + ", probability " + probability + ", sigmas " + sigmas);
    }
  }

  public double expected() {
    return trials * probability;
  }

  public double halfWidth() {
    return sigmas * Math.sqrt(trials * probability * (1 - probability));
  }

  public boolean admits(int count) {
    return Math.abs(count - expected()) <= halfWidth();
  }

  /** "100 ± 49" */
  public String describe() {
    return String.format("%.0f ± %.0f", expected(), halfWidth());
  }
}
