package dev.outrigger.iptables;

import dev.outrigger.iptables.exec.Binaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** A directory of empty executables, so binary lookup sees exactly the programs a test names. */
public final class FakeBinaries {
  private FakeBinaries() {}

  public static Binaries in(Path dir, String... programs) {
    try {
      for (String program : programs) {
        Path file = dir.resolve(program);
        Files.writeString(file, "#!/bin/false\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Binaries(List.of(dir));
  }

  /** Makes {@code alias} a symlink to {@code target}, as Debian's alternatives do for iptables. */
  public static void link(Path dir, String alias, String target) {
    try {
      Files.deleteIfExists(dir.resolve(alias));
      Files.createSymbolicLink(dir.resolve(alias), dir.resolve(target));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every program the command may look for, for tests about something else. */
  public static Binaries all(Path dir) {
    return in(dir, "ip", "iptables-save", "iptables-restore", "ip6tables-save", "ip6tables-restore",
        "iptables-nft-save", "iptables-nft-restore", "ip6tables-nft-save", "ip6tables-nft-restore",
        "iptables-legacy-save", "iptables-legacy-restore", "ip6tables-legacy-save", "ip6tables-legacy-restore");
  }
}
