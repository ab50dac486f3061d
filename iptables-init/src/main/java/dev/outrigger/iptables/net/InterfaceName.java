package dev.outrigger.iptables.net;

import java.util.ArrayList;
import java.util.List;

/** A Linux interface name as iptables' -i/-o accept it (at most 15 characters, '+' as a trailing wildcard). */
public record InterfaceName(String name) {
  public InterfaceName {
    if (!name.matches("[A-Za-z0-9_.@-]{1,15}\\+?") || name.length() > 15) {
      throw new IllegalArgumentException("'" + name + "' is not an interface name");
    }
  }

  public static List<InterfaceName> parseList(String text) {
    List<InterfaceName> names = new ArrayList<>();
    for (String item : CommaList.split(text)) {
      names.add(new InterfaceName(item));
    }
    return List.copyOf(names);
  }

  @Override
  public String toString() {
    return name;
  }
}
