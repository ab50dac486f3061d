package dev.outrigger.iptables.config;

import dev.outrigger.iptables.net.CommaList;
import java.util.List;

/**
 * ISTIO_OUTBOUND_OWNER_GROUPS / ISTIO_OUTBOUND_OWNER_GROUPS_EXCLUDE (env only, Istio 1.14 on): whose
 * outbound traffic is captured, by owner group (name or gid). Either every group except some ("*"
 * with an exclude list, the default), or only the listed groups, as istio-iptables'
 * ParseInterceptFilter reads them.
 */
public record OwnerGroups(boolean allExcept, List<String> groups) {
  public static final String INCLUDE_ENV = "ISTIO_OUTBOUND_OWNER_GROUPS";
  public static final String EXCLUDE_ENV = "ISTIO_OUTBOUND_OWNER_GROUPS_EXCLUDE";
  public static final OwnerGroups ALL = new OwnerGroups(true, List.of());
  /** istio-iptables combines the included groups into one rule of N owner matches; it refuses more than 64. */
  static final int MAX_INCLUDED = 64;

  public OwnerGroups {
    groups = List.copyOf(groups);
  }

  /** @param include null or "" means "*", as the variable's default */
  public static OwnerGroups parse(String include, String exclude) {
    String includeText = include == null || include.isBlank() ? "*" : include.trim();
    if (includeText.equals("*")) {
      return new OwnerGroups(true, split(exclude));
    }
    List<String> groups = split(includeText);
    if (groups.size() > MAX_INCLUDED) {
      throw new IllegalArgumentException("at most " + MAX_INCLUDED + " owner groups can be captured, got " + groups.size());
    }
    return new OwnerGroups(false, groups);
  }

  private static List<String> split(String text) {
    List<String> groups = CommaList.split(text == null ? "" : text);
    for (String group : groups) {
      if (!group.matches("[A-Za-z0-9_.][A-Za-z0-9_.-]*\\$?")) {
        throw new IllegalArgumentException("'" + group + "' is not a group name or gid");
      }
    }
    return groups;
  }

  public boolean capturesEveryone() {
    return allExcept && groups.isEmpty();
  }
}
