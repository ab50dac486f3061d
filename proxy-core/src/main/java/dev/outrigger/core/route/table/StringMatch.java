package dev.outrigger.core.route.table;

import java.util.Locale;

/**
 * Envoy's StringMatcher: exact, prefix, suffix, contains or a regex over the whole value, optionally
 * ignoring case. (Envoy's regexes are RE2; Java's engine agrees on the expressions Istio generates
 * from VirtualServices, anchored full matches of plain classes and alternations.)
 */
public sealed interface StringMatch {
  boolean matches(String value);

  record Exact(String expected, boolean ignoreCase) implements StringMatch {
    @Override
    public boolean matches(String value) {
      return ignoreCase ? expected.equalsIgnoreCase(value) : expected.equals(value);
    }
  }

  record Prefix(String prefix, boolean ignoreCase) implements StringMatch {
    @Override
    public boolean matches(String value) {
      return value.regionMatches(ignoreCase, 0, prefix, 0, prefix.length());
    }
  }

  record Suffix(String suffix, boolean ignoreCase) implements StringMatch {
    @Override
    public boolean matches(String value) {
      return value.length() >= suffix.length()
          && value.regionMatches(ignoreCase, value.length() - suffix.length(), suffix, 0, suffix.length());
    }
  }

  record Contains(String part, boolean ignoreCase) implements StringMatch {
    @Override
    public boolean matches(String value) {
      return ignoreCase ? value.toLowerCase(Locale.ROOT).contains(part.toLowerCase(Locale.ROOT)) : value.contains(part);
    }
  }

  record Matching(Regex regex) implements StringMatch {
    @Override
    public boolean matches(String value) {
      return regex.matchesWhole(value);
    }
  }

}
