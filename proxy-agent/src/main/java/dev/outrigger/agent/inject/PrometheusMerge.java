package dev.outrigger.agent.inject;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.agent.GoBool;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Istio's metrics merge (pkg/kube/inject/webhook.go applyPrometheusMerge): the pod's
 * {@code prometheus.io/scrape|port|path} point Prometheus at the agent's merged endpoint, and the
 * app's own values move to the proxy's {@code ISTIO_PROMETHEUS_ANNOTATIONS}, from which the agent
 * scrapes the app and serves both sets of metrics together.
 */
final class PrometheusMerge {
  static final String ENV = "ISTIO_PROMETHEUS_ANNOTATIONS";
  static final String MERGED_PATH = "/stats/prometheus";
  private static final String SCRAPE = "prometheus_io_scrape";
  private static final String PORT = "prometheus_io_port";
  private static final String PATH = "prometheus_io_path";
  /** Ports of the proxy that a scrape of the app must not name (Istio's istioReservedPorts). */
  private static final Set<Integer> RESERVED = Set.of(15000, 15001, 15004, 15006, 15008, 15020, 15021, 15053, 15090);

  private PrometheusMerge() {}

  /**
   * Merges when the pod does not opt out (a prometheus.io/scrape that reads false, or
   * prometheus.istio.io/merge-metrics false) and the agent's port is on; rewrites the annotations
   * and returns the value of ISTIO_PROMETHEUS_ANNOTATIONS, or null when there is none to set.
   * Refuses, as Istio does, an app port that is not a port, is the agent's, or is one of the proxy's.
   */
  static String apply(PodTemplate pod, PodOptions options) {
    int agentPort = options.statusPort();
    if (agentPort == 0 || !options.mergeMetrics() || !scrapeWanted(pod.annotations())) {
      return null;
    }
    String target = Integer.toString(agentPort);
    Map<String, String> app = values(pod.annotations());
    if (target.equals(app.get(PORT))) {
      // The user points Prometheus at the agent already (or a pod merged before): theirs to control.
      return null;
    }
    String port = app.getOrDefault(PORT, "");
    if (!port.isEmpty()) {
      checkPort(port, agentPort);
    }
    String env = null;
    if (!app.isEmpty()) {
      Map<String, Object> config = new LinkedHashMap<>(); // Istio's PrometheusScrapeConfiguration order
      config.put("scrape", app.getOrDefault(SCRAPE, ""));
      config.put("path", app.getOrDefault(PATH, ""));
      config.put("port", port);
      env = GoJson.write(config);
    }
    clear(pod);
    pod.setAnnotation("prometheus.io/port", target);
    pod.setAnnotation("prometheus.io/path", MERGED_PATH);
    pod.setAnnotation("prometheus.io/scrape", "true");
    return env;
  }

  /**
   * Undoes {@link #apply} of an earlier injection: the app's values come back from the old proxy's
   * ISTIO_PROMETHEUS_ANNOTATIONS, or, when it had none, the merged endpoint's annotations go.
   *
   * @param previousEnv the old proxy's ISTIO_PROMETHEUS_ANNOTATIONS, or null
   * @param previousAgentPort the old proxy's agent port
   */
  static void restore(PodTemplate pod, String previousEnv, int previousAgentPort) {
    Map<String, String> current = values(pod.annotations());
    if (previousEnv == null) {
      boolean merged = Integer.toString(previousAgentPort).equals(current.get(PORT))
          && MERGED_PATH.equals(current.get(PATH)) && "true".equals(current.get(SCRAPE));
      if (merged) {
        clear(pod);
      }
      return;
    }
    JsonNode app;
    try {
      app = GoJson.reader().readTree(previousEnv);
    } catch (IOException e) {
      app = null;
    }
    if (app == null || !app.isObject()) {
      throw new InjectionException("the injected proxy's " + ENV + " is not JSON: " + previousEnv);
    }
    clear(pod);
    restoreIfSet(pod, "prometheus.io/scrape", app.path("scrape").asText(""));
    restoreIfSet(pod, "prometheus.io/path", app.path("path").asText(""));
    restoreIfSet(pod, "prometheus.io/port", app.path("port").asText(""));
  }

  private static void restoreIfSet(PodTemplate pod, String key, String value) {
    if (!value.isEmpty()) {
      pod.setAnnotation(key, value);
    }
  }

  /** Istio honours the first prometheus.io/scrape variant that parses as a Go bool; none means yes. */
  private static boolean scrapeWanted(Map<String, String> annotations) {
    for (Map.Entry<String, String> e : annotations.entrySet()) {
      if (sanitize(e.getKey()).equals(SCRAPE)) {
        Boolean scrape = GoBool.parse(e.getValue());
        if (scrape != null) {
          return scrape;
        }
      }
    }
    return true;
  }

  /** The scrape, port and path annotations by sanitized name, as Prometheus reads them. */
  private static Map<String, String> values(Map<String, String> annotations) {
    Map<String, String> out = new LinkedHashMap<>();
    annotations.forEach((key, value) -> {
      String name = sanitize(key);
      if (name.equals(SCRAPE) || name.equals(PORT) || name.equals(PATH)) {
        out.put(name, value);
      }
    });
    return out;
  }

  /** Removes every variant (prometheus.io/port, prometheus-io/port, ...), or Prometheus would pick one at random. */
  private static void clear(PodTemplate pod) {
    for (String key : pod.annotations().keySet()) {
      String name = sanitize(key);
      if (name.equals(SCRAPE) || name.equals(PORT) || name.equals(PATH)) {
        pod.removeAnnotation(key);
      }
    }
  }

  private static void checkPort(String port, int agentPort) {
    int number;
    try {
      number = Integer.parseInt(port.trim());
    } catch (NumberFormatException e) {
      number = -1;
    }
    if (number < 1 || number > 65535) {
      throw AnnotationValues.bad("prometheus.io/port", port, "a port 1-65535");
    }
    if (number == agentPort || RESERVED.contains(number)) {
      throw new InjectionException("annotation prometheus.io/port: " + port + " is the proxy's own port ("
          + (number == agentPort ? "the agent's merged metrics" : "reserved by Istio") + "), which cannot be merged"
          + " (expected: the app's metrics port)");
    }
  }

  /** Prometheus' strutil.SanitizeLabelName: every character but [a-zA-Z0-9_] becomes '_'. */
  static String sanitize(String name) {
    return name.replaceAll("[^a-zA-Z0-9_]", "_");
  }

}
