package dev.outrigger.core.route.table;

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

  record Matching(Regex regex) implements PathMatch {
    @Override
    public boolean matches(String pathWithQuery) {
      return regex.matchesWhole(withoutQuery(pathWithQuery));
    }
  }
}
