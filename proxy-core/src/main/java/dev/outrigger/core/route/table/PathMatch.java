package dev.outrigger.core.route.table;

import java.util.regex.Pattern;

/**
 * How a route matches the request path, as Envoy's RouteMatch does: a prefix of the whole
 * {@code :path}; an exact path or a regex over the path without its query string.
 */
public sealed interface PathMatch {
  boolean matches(String pathWithQuery);

  static String withoutQuery(String path) {
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }

  record Prefix(String prefix, boolean caseSensitive) implements PathMatch {
    @Override
    public boolean matches(String pathWithQuery) {
      return pathWithQuery.regionMatches(!caseSensitive, 0, prefix, 0, prefix.length());
    }
  }

  record Exact(String path, boolean caseSensitive) implements PathMatch {
    @Override
    public boolean matches(String pathWithQuery) {
      String p = withoutQuery(pathWithQuery);
      return caseSensitive ? p.equals(path) : p.equalsIgnoreCase(path);
    }
  }

  record Regex(Pattern pattern) implements PathMatch {
    @Override
    public boolean matches(String pathWithQuery) {
      return pattern.matcher(withoutQuery(pathWithQuery)).matches();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Regex r && r.pattern.pattern().equals(pattern.pattern());
    }

    @Override
    public int hashCode() {
      return pattern.pattern().hashCode();
    }
  }
}
