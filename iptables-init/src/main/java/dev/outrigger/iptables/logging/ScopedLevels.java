package dev.outrigger.iptables.logging;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A --log_output_level / --log_stacktrace_level value: "level" or "scope:level" items, comma
 * separated, checked as Istio's convertScopedLevel checks them (an empty item is a bad level, more
 * than one ':' a bad format). Unknown scopes are accepted and ignored, as in Istio; "all" sets every
 * scope; a later item wins over an earlier one.
 */
public record ScopedLevels(List<Item> items) {
  /** Istio's scope for everything istio-iptables logs, and so for everything Outrigger's init logs. */
  public static final String DEFAULT_SCOPE = "default";
  static final String ALL_SCOPES = "all";

  public record Item(String scope, IstioLevel level) {}

  public ScopedLevels {
    items = List.copyOf(items);
  }

  public static ScopedLevels parse(String text) {
    List<Item> items = new ArrayList<>();
    for (String item : text.split(",", -1)) {
      String[] pieces = item.split(":", -1);
      if (pieces.length == 1) {
        items.add(new Item(DEFAULT_SCOPE, IstioLevel.parse(pieces[0])));
      } else if (pieces.length == 2) {
        items.add(new Item(pieces[0], IstioLevel.parse(pieces[1])));
      } else {
        throw new IllegalArgumentException("invalid output level format '" + item + "' (expected: level or scope:level)");
      }
    }
    return new ScopedLevels(items);
  }

  /** The level these items give {@code scope}, if any names it (or "all"). */
  public Optional<IstioLevel> levelOf(String scope) {
    IstioLevel level = null;
    for (Item item : items) {
      if (item.scope().equals(scope) || item.scope().equals(ALL_SCOPES)) {
        level = item.level();
      }
    }
    return Optional.ofNullable(level);
  }
}
