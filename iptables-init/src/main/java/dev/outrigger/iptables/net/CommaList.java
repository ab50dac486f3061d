package dev.outrigger.iptables.net;

import java.util.ArrayList;
import java.util.List;

/** Splits istio-style comma lists, dropping empty items the way istio-iptables' split() does. */
public final class CommaList {
  private CommaList() {}

  public static List<String> split(String text) {
    List<String> items = new ArrayList<>();
    for (String item : text.split(",", -1)) {
      String trimmed = item.trim();
      if (!trimmed.isEmpty()) {
        items.add(trimmed);
      }
    }
    return items;
  }
}
