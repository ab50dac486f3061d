package dev.outrigger.iptables.net;

/** Formats addresses as iptables prints them: dotted quads, and RFC 5952 compressed IPv6. */
public final class AddressText {
  private AddressText() {}

  public static String format(byte[] address) {
    if (address.length == 4) {
      return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "." + (address[3] & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = (address[2 * i] & 0xff) << 8 | (address[2 * i + 1] & 0xff);
    }
    int[] run = longestZeroRun(groups);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == run[0]) {
        text.append("::");
        i += run[1] - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }

  /** Start and length of the first longest run of zero groups; a single zero group is not compressed. */
  private static int[] longestZeroRun(int[] groups) {
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < groups.length; i++) {
      int length = 0;
      while (i + length < groups.length && groups[i + length] == 0) {
        length++;
      }
      if (length > bestLength) {
        bestStart = i;
        bestLength = length;
      }
    }
    return new int[] {bestStart, bestLength};
  }
}
