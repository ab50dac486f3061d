package dev.outrigger.agent.inject.webhook;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The RFC 6902 patch from a pod to its injected form. Injection changes whole fields (the
 * labels, the annotations, the container, init container and volume lists), so each changed field becomes
 * one "add", which RFC 6902 defines as a replace when the member exists; unchanged fields give
 * no operation, so re-invoking the webhook on an injected pod patches nothing.
 */
final class JsonPatch {
  /** The fields injection may change, as (parent, member) paths. */
  private static final List<String[]> FIELDS = List.of(
      new String[] {"metadata", "labels"},
      new String[] {"metadata", "annotations"},
      new String[] {"spec", "initContainers"},
      new String[] {"spec", "containers"},
      new String[] {"spec", "volumes"});

  private JsonPatch() {}

  static List<Map<String, Object>> between(Map<String, Object> before, Map<String, Object> after) {
    List<Map<String, Object>> ops = new ArrayList<>();
    Set<String> createdParents = new HashSet<>();
    for (String[] field : FIELDS) {
      Object old = member(before, field);
      Object now = member(after, field);
      if (Objects.equals(old, now)) {
        continue;
      }
      String path = "/" + field[0] + "/" + field[1];
      if (now == null) {
        ops.add(Map.of("op", "remove", "path", path));
      } else {
        if (!(before.get(field[0]) instanceof Map) && createdParents.add(field[0])) {
          // RFC 6902 "add" needs the parent to exist.
          ops.add(Map.of("op", "add", "path", "/" + field[0], "value", Map.of()));
        }
        ops.add(Map.of("op", "add", "path", path, "value", now));
      }
    }
    return ops;
  }

  private static Object member(Map<String, Object> object, String[] field) {
    Object parent = object.get(field[0]);
    return parent instanceof Map<?, ?> map ? map.get(field[1]) : null;
  }
}
