package dev.outrigger.iptables.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyUserTest {
  @TempDir Path dir;

  @Test
  void usesThePasswdEntryOfTheNamedUserElse1337() throws Exception {
    Path passwd = dir.resolve("passwd");
    Files.writeString(passwd, "root:x:0:0::/root:/bin/sh\nistio-proxy:x:1234:1234::/:/bin/false\nbroken:x:y:0::/:\n");
    ProxyUser users = new ProxyUser(passwd);
    assertEquals("1234", users.defaultUid(null));
    assertEquals("1234", users.defaultUid(""));
    assertEquals("0", users.defaultUid("root"));
    assertEquals("1337", users.defaultUid("broken"));
    assertEquals("1337", users.defaultUid("absent"));
    assertEquals("1337", new ProxyUser(dir.resolve("missing")).defaultUid(null));
  }
}
