package dev.outrigger.core.route.table;

import java.util.List;
import java.util.function.Function;

/** What a request must look like for a route to take it: its path, and every header condition. */
public record RouteMatch(PathMatch path, List<HeaderMatch> headers) {
  public RouteMatch {
    headers = List.copyOf(headers);
  }

  public boolean matches(String pathWithQuery, Function<String, List<String>> headerValues) {
    if (!path.matches(pathWithQuery)) {
      return false;
    }
    for (HeaderMatch h : headers) {
      if (!h.matches(headerValues)) {
        return false;
      }
    }
    return true;
  }
}
