package dev.outrigger.iptables;

import dev.outrigger.iptables.net.Family;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The flag sets under src/test/resources/cases: each directory has "args" (one argument per line,
 * an empty line is an empty argument) and the expected `iptables -t nat -S` per family.
 */
public final class GoldenCases {
  private GoldenCases() {}

  public static Stream<String> names() {
    try (Stream<Path> dirs = Files.list(root())) {
      return dirs.map(dir -> dir.getFileName().toString()).sorted().toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<String> args(String name) {
    String text = read(root().resolve(name).resolve("args"));
    return Arrays.asList(text.substring(0, text.length() - 1).split("\n", -1));
  }

  public static Optional<List<String>> expectedNat(String name, Family family) {
    Path file = root().resolve(name).resolve(family == Family.IPV4 ? "ipv4.nat" : "ipv6.nat");
    return Files.exists(file) ? Optional.of(read(file).lines().toList()) : Optional.empty();
  }

  public static String resource(String relative) {
    return read(root().getParent().resolve(relative));
  }

  private static Path root() {
    try {
      return Path.of(GoldenCases.class.getResource("/cases").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
