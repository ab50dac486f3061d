package dev.outrigger.iptables.logging;

import java.math.BigInteger;

/** An int flag value as Go's pflag reads it (strconv.ParseInt base 0: 42, -1, 0x2a, 0o52, 052, 0b101010, 1_000). */
final class GoInt {
  private static final BigInteger MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private GoInt() {}

  static long parse(String text) {
    String digits = text;
    boolean negative = false;
    if (digits.startsWith("+") || digits.startsWith("-")) {
      negative = digits.startsWith("-");
      digits = digits.substring(1);
    }
    int radix = 10;
    String lower = digits.toLowerCase(java.util.Locale.ROOT);
    if (lower.startsWith("0x")) {
      radix = 16;
      digits = digits.substring(2);
    } else if (lower.startsWith("0o")) {
      radix = 8;
      digits = digits.substring(2);
    } else if (lower.startsWith("0b")) {
      radix = 2;
      digits = digits.substring(2);
    } else if (digits.length() > 1 && digits.startsWith("0")) {
      radix = 8;
      digits = digits.substring(1);
    }
    digits = digits.startsWith("_") ? digits : digits.replace("_", "");
    try {
      BigInteger value = new BigInteger(digits, radix);
      value = negative ? value.negate() : value;
      if (digits.startsWith("-") || digits.startsWith("+") || value.compareTo(MIN) < 0 || value.compareTo(MAX) > 0) {
        throw new NumberFormatException();
      }
      return value.longValue();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not an integer");
    }
  }
}
