package dev.outrigger.iptables.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The default proxy uid, found the way istio-iptables finds it: the uid of the user named by
 * $ENVOY_USER (default "istio-proxy") in the passwd database, else 1337.
 */
public final class ProxyUser {
  public static final String DEFAULT_USER = "istio-proxy";
  public static final String DEFAULT_UID = "1337";

  private final Path passwd;

  public ProxyUser(Path passwd) {
    this.passwd = passwd;
  }

  public String defaultUid(String envoyUser) {
    String user = envoyUser == null || envoyUser.isEmpty() ? DEFAULT_USER : envoyUser;
    return lookup(user).orElse(DEFAULT_UID);
  }

  Optional<String> lookup(String user) {
    try {
      for (String line : Files.readAllLines(passwd)) {
        String[] fields = line.split(":", -1);
        if (fields.length > 2 && fields[0].equals(user) && fields[2].matches("[0-9]+")) {
          return Optional.of(fields[2]);
        }
      }
    } catch (IOException unreadable) {
      // Like a failed user.Lookup in istio-iptables: fall back to the fixed default.
    }
    return Optional.empty();
  }
}
