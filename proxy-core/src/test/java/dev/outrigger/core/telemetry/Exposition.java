package dev.outrigger.core.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples back from a text exposition, so tests compare values, not formatting. */
public final class Exposition {
  private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  public record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples = new ArrayList<>();

  public Exposition(String text) {
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        throw new AssertionError("not a sample line: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
    }
  }

  /** The samples of {@code name} whose labels include all of {@code labels}. */
  public List<Sample> find(String name, Map<String, String> labels) {
    List<Sample> out = new ArrayList<>();
    for (Sample s : samples) {
      if (s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet())) {
        out.add(s);
      }
    }
    return out;
  }

  /** The one sample of {@code name} with these labels; fails if there is none or several. */
  public Sample one(String name, Map<String, String> labels) {
    List<Sample> found = find(name, labels);
    assertEquals(1, found.size(), "samples of " + name + labels + ": " + found);
    return found.get(0);
  }

  public double value(String name, Map<String, String> labels) {
    return one(name, labels).value();
  }
}
