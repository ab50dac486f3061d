package dev.outrigger.iptables.net;

import java.util.ArrayList;
import java.util.List;

/** The uids (or gids) whose sockets are the proxy's own and so must never be captured again. */
public record OwnerIds(List<Long> ids) {
  private static final long MAX_ID = 4_294_967_294L; // (uid_t) -1 means "no id" to the kernel

  public OwnerIds {
    ids = List.copyOf(ids);
  }

  public static OwnerIds parse(String text) {
    List<Long> ids = new ArrayList<>();
    for (String item : CommaList.split(text)) {
      if (!item.matches("[0-9]{1,10}") || Long.parseLong(item) > MAX_ID) {
        throw new IllegalArgumentException("'" + item + "' is not a numeric id (expected: 0-" + MAX_ID + ")");
      }
      ids.add(Long.parseLong(item));
    }
    if (ids.isEmpty()) {
      throw new IllegalArgumentException("'" + text + "' names no id");
    }
    return new OwnerIds(ids);
  }

  public long first() {
    return ids.get(0);
  }

  @Override
  public String toString() {
    return String.join(",", ids.stream().map(String::valueOf).toList());
  }
}
