package dev.outrigger.it.sidecar;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The samples of a Prometheus text exposition: {@code name{label="value",...} value}, comments
 * skipped. Label values are unescaped (\\, \", \n).
 */
public final class PrometheusSamples {
  /** One line: the metric name as exposed (with _total, _count, _bucket ...), its labels, its value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;

  private PrometheusSamples(List<Sample> samples) {
    this.samples = samples;
  }

  public static PrometheusSamples parse(String text) {
    List<Sample> samples = new ArrayList<>();
    text.lines().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#"))
        .forEach(line -> samples.add(parseLine(line)));
    return new PrometheusSamples(List.copyOf(samples));
  }

  /** The sum over every sample of that name whose labels include all of {@code labels}; 0 when none does. */
  public double sum(String name, Map<String, String> labels) {
    return matching(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  public List<Sample> matching(String name, Map<String, String> labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
        .toList();
  }

  public List<Sample> all() {
    return samples;
  }

  private static Sample parseLine(String line) {
    int brace = line.indexOf('{');
    int space = line.indexOf(' ');
    if (brace < 0 || (space >= 0 && space < brace)) {
      String[] parts = line.split("\\s+");
      return new Sample(parts[0], Map.of(), Double.parseDouble(parts[1]));
    }
    Map<String, String> labels = new LinkedHashMap<>();
    int i = brace + 1;
    while (line.charAt(i) != '}') {
      int equals = line.indexOf('=', i);
      String label = line.substring(i, equals).strip();
      if (line.charAt(equals + 1) != '"') {
        throw new IllegalArgumentException("label value not quoted: " + line);
      }
      StringBuilder value = new StringBuilder();
      int j = equals + 2;
      for (char c = line.charAt(j); c != '"'; c = line.charAt(++j)) {
        if (c == '\\') {
          char escaped = line.charAt(++j);
          value.append(escaped == 'n' ? '\n' : escaped);
        } else {
          value.append(c);
        }
      }
      labels.put(label, value.toString());
      i = j + 1;
      if (line.charAt(i) == ',') {
        i++;
      }
    }
    String[] rest = line.substring(i + 1).strip().split("\\s+");
    return new Sample(line.substring(0, brace), Map.copyOf(labels), Double.parseDouble(rest[0]));
  }

  @Override
  public String toString() {
    return samples.toString();
  }
}
