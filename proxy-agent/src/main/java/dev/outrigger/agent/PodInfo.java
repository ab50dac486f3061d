package dev.outrigger.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pod's labels and annotations as Istio's injector mounts them (a downward-API volume at
 * /etc/istio/pod, files {@code labels} and {@code annotations}, one {@code key="quoted value"} a
 * line). pilot-agent reads the labels into the node's metadata and the annotations for
 * proxy.istio.io/config and sidecar.istio.io/discoveryAddress; so does Outrigger.
 */
record PodInfo(Map<String, String> labels, Map<String, String> annotations) {
  /** Where the injector mounts the volume (pkg/config/constants: PodInfoLabelsPath). */
  static final Path DEFAULT_DIR = Path.of("/etc/istio/pod");
  static final PodInfo NONE = new PodInfo(Map.of(), Map.of());
  /** Added by Deployments to every pod; pilot-agent leaves it out of the node's labels. */
  private static final String POD_TEMPLATE_HASH = "pod-template-hash";

  PodInfo {
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }

  /** Reads both files; a missing file (not a Kubernetes pod, or not injected) reads as empty. */
  static PodInfo read(Path dir) {
    return new PodInfo(file(dir.resolve("labels")), file(dir.resolve("annotations")));
  }

  /** The labels for the node's metadata. */
  Map<String, String> nodeLabels() {
    Map<String, String> out = new LinkedHashMap<>(labels);
    out.remove(POD_TEMPLATE_HASH);
    return out;
  }

  private static Map<String, String> file(Path path) {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException absent) {
      return Map.of();
    } catch (IOException e) {
      throw new ConfigException(path + ": cannot be read (" + e + ")");
    }
    return parse(text);
  }

  /** The downward API's format; lines that are not {@code key="value"} are skipped, as pilot-agent does. */
  static Map<String, String> parse(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String value = unquote(line.substring(eq + 1));
      if (value != null) {
        out.put(line.substring(0, eq), value);
      }
    }
    return out;
  }

  /** A Go-quoted string ("...", with backslash escapes) to its value; null if it is not one. */
  private static String unquote(String quoted) {
    if (quoted.length() < 2 || quoted.charAt(0) != '"' || quoted.charAt(quoted.length() - 1) != '"') {
      return null;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < quoted.length() - 1; i++) {
      char c = quoted.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (++i >= quoted.length() - 1) {
        return null;
      }
      char e = quoted.charAt(i);
      switch (e) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case '"', '\\', '\'' -> out.append(e);
        case 'u' -> {
          if (i + 4 > quoted.length() - 2) {
            return null;
          }
          try {
            out.append((char) Integer.parseInt(quoted.substring(i + 1, i + 5), 16));
          } catch (NumberFormatException notHex) {
            return null;
          }
          i += 4;
        }
        default -> out.append('\\').append(e);
      }
    }
    return out.toString();
  }
}
