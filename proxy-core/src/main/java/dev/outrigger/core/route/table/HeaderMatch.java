package dev.outrigger.core.route.table;

import java.util.List;
import java.util.function.Function;

/**
 * One of a route's header conditions (Envoy's HeaderMatcher): the header is present, or its value
 * matches — a header sent several times is matched as its values joined by commas, as Envoy does;
 * {@code invert} turns the result around.
 *
 * @param name the header's lower-case name
 * @param value the value condition, or null for a presence match
 */
public record HeaderMatch(String name, StringMatch value, boolean invert) {
  /** @param headers all values of a header, by its lower-case name (empty when absent) */
  public boolean matches(Function<String, List<String>> headers) {
    List<String> values = headers.apply(name);
    boolean matched = !values.isEmpty() && (value == null || value.matches(String.join(",", values)));
    return matched != invert;
  }
}
