package dev.outrigger.core.route.table;

import java.util.regex.Pattern;

/**
 * A compiled regular expression that is equal to another by its source, so that matches holding
 * one compare as values.
 */
public record Regex(Pattern pattern) {
  public static Regex compile(String source) {
    return new Regex(Pattern.compile(source));
  }

  /** The whole value matches (Envoy's safe_regex semantics). */
  public boolean matchesWhole(String value) {
    return pattern.matcher(value).matches();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Regex r && r.pattern.pattern().equals(pattern.pattern());
  }

  @Override
  public int hashCode() {
    return pattern.pattern().hashCode();
  }

  @Override
  public String toString() {
    return pattern.pattern();
  }
}
