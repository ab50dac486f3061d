package dev.outrigger.agent.inject;

import static dev.outrigger.agent.inject.Trees.obj;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Istio's probe rewrite (pkg/kube/inject/app_probe.go): the kubelet's probes and lifecycle hooks of
 * the app containers go to the agent's status port instead of the app, since under capture they
 * would otherwise pass through the proxy (and fail under STRICT mTLS or for apps bound to lo). The
 * agent performs the originals, which travel in the proxy's {@code ISTIO_KUBE_APP_PROBERS} in
 * Istio's JSON: a map from the agent's path to {@code {"httpGet"|"tcpSocket"|"grpc":..., "timeoutSeconds":..}}.
 */
final class AppProbes {
  static final String ENV = "ISTIO_KUBE_APP_PROBERS";
  /** "true": the agent probes the app on localhost instead of the pod IP (Istio's pre-1.10 behaviour). */
  static final String LOCALHOST_ENV = "REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION";
  private static final List<String> ACTIONS = List.of("httpGet", "tcpSocket", "grpc");

  /** A probe or hook field of a container and the agent path that stands for it (Istio's FormatProberURL). */
  private enum Kind {
    READINESS("readinessProbe", "/app-health/%s/readyz", false),
    LIVENESS("livenessProbe", "/app-health/%s/livez", false),
    STARTUP("startupProbe", "/app-health/%s/startupz", false),
    PRE_STOP("preStop", "/app-lifecycle/%s/prestopz", true),
    POST_START("postStart", "/app-lifecycle/%s/poststartz", true);

    final String field;
    final String pathFormat;
    final boolean hook;

    Kind(String field, String pathFormat, boolean hook) {
      this.field = field;
      this.pathFormat = pathFormat;
      this.hook = hook;
    }

    String path(String container) {
      return String.format(pathFormat, container);
    }

    /** The probe or handler object of this kind in the container, or null. */
    Map<String, Object> of(Map<String, Object> container) {
      return hook ? Trees.child(Trees.child(container, "lifecycle"), field) : Trees.child(container, field);
    }

    /** Probes may be httpGet, tcpSocket or gRPC; lifecycle handlers httpGet or tcpSocket (Istio leaves exec and sleep). */
    boolean rewritable(String action) {
      return !hook || !action.equals("grpc");
    }
  }

  private AppProbes() {}

  /**
   * Rewrites the probes and hooks of the pod's containers (all but the proxy's, init containers
   * included, as Istio does) to the status port, and returns the originals for ISTIO_KUBE_APP_PROBERS,
   * or null when there are none. Named ports are resolved from the container's own ports; a name
   * that resolves to nothing is left out of the variable (the rewritten probe then fails, as in
   * Istio), and so is a numeric port already equal to the status port (a probe rewritten before).
   */
  static String rewrite(PodTemplate pod, int statusPort) {
    Map<String, Object> originals = new TreeMap<>(); // Go writes a map's keys sorted
    for (Map<String, Object> container : appContainers(pod)) {
      String name = Trees.text(container, "name");
      Map<String, Integer> namedPorts = namedPorts(container);
      for (Kind kind : Kind.values()) {
        Map<String, Object> handler = kind.of(container);
        String action = handler == null ? null : action(handler, kind);
        if (action == null) {
          continue;
        }
        Map<String, Object> original = prober(handler, action, kind, namedPorts, statusPort);
        if (original != null) {
          originals.put(kind.path(name), original);
        }
        rewriteInPlace(handler, action, kind.path(name), statusPort);
      }
    }
    return originals.isEmpty() ? null : GoJson.write(originals);
  }

  /**
   * Undoes {@link #rewrite} from an earlier injection's ISTIO_KUBE_APP_PROBERS, so that re-injection
   * (or opting out since) starts from the app's own probes. Probes whose original the variable does
   * not hold stay as they are.
   */
  static void restore(PodTemplate pod, String probersJson) {
    Map<String, Map<String, Object>> originals;
    try {
      originals = GoJson.reader().readValue(probersJson, new TypeReference<Map<String, Map<String, Object>>>() {});
    } catch (IOException e) {
      throw new InjectionException("the injected proxy's " + ENV + " is not JSON: " + probersJson);
    }
    for (Map<String, Object> container : appContainers(pod)) {
      for (Kind kind : Kind.values()) {
        Map<String, Object> handler = kind.of(container);
        Map<String, Object> original = originals.get(kind.path(Trees.text(container, "name")));
        Map<String, Object> rewritten = handler == null ? null : Trees.child(handler, "httpGet");
        if (original == null || rewritten == null || !kind.path(Trees.text(container, "name")).equals(rewritten.get("path"))) {
          continue;
        }
        for (String action : ACTIONS) {
          if (original.get(action) != null) {
            replaceAction(handler, action, original.get(action));
          }
        }
      }
    }
  }

  private static List<Map<String, Object>> appContainers(PodTemplate pod) {
    List<Map<String, Object>> all = new ArrayList<>(pod.initContainers());
    all.addAll(pod.containers());
    all.removeIf(c -> ProxyContainer.NAME.equals(Trees.text(c, "name")));
    return all;
  }

  /** Container ports by name (Istio ignores unnamed ones). */
  private static Map<String, Integer> namedPorts(Map<String, Object> container) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (Map<String, Object> port : Trees.objects(container, "ports")) {
      String name = Trees.text(port, "name");
      if (name != null && !name.isEmpty() && port.get("containerPort") instanceof Number n) {
        ports.put(name, n.intValue());
      }
    }
    return ports;
  }

  /** The handler's action when it is one Istio rewrites (checked in Istio's order), else null. */
  private static String action(Map<String, Object> handler, Kind kind) {
    for (String action : ACTIONS) {
      if (handler.get(action) != null) {
        return kind.rewritable(action) ? action : null;
      }
    }
    return null;
  }

  /** The original as Istio's Prober struct writes it, or null when Istio leaves it out. */
  private static Map<String, Object> prober(Map<String, Object> handler, String action, Kind kind,
      Map<String, Integer> namedPorts, int statusPort) {
    Map<String, Object> spec = Trees.child(handler, action);
    Object port = spec.get("port");
    if (!action.equals("grpc")) {
      if (port instanceof String named) {
        port = namedPorts.get(named);
        if (port == null) {
          return null;
        }
      } else if (port instanceof Number n && n.intValue() == statusPort) {
        return null;
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(action, switch (action) {
      case "httpGet" -> obj(
          "path", nonEmpty(spec.get("path")),
          "port", port,
          "host", nonEmpty(spec.get("host")),
          "scheme", nonEmpty(spec.get("scheme")),
          "httpHeaders", headers(spec.get("httpHeaders")));
      case "tcpSocket" -> obj("port", port, "host", nonEmpty(spec.get("host")));
      default -> obj("port", port, "service", spec.get("service"));
    });
    // Hooks carry no timeout; a probe's is kept unless 0 (Go's omitempty).
    if (!kind.hook && handler.get("timeoutSeconds") instanceof Number t && t.intValue() != 0) {
      out.put("timeoutSeconds", t.intValue());
    }
    return out;
  }

  private static Object nonEmpty(Object value) {
    return value == null || "".equals(value) ? null : value;
  }

  @SuppressWarnings("unchecked")
  private static Object headers(Object value) {
    if (!(value instanceof List<?> list) || list.isEmpty()) {
      return null;
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object header : list) {
      Map<String, Object> h = (Map<String, Object>) header;
      out.add(obj("name", h.get("name"), "value", h.getOrDefault("value", "")));
    }
    return out;
  }

  /**
   * Istio's convertAppProber: an httpGet keeps its host, headers and other fields with the path and
   * port replaced and HTTPS made HTTP (the agent speaks HTTPS to the app); tcpSocket and gRPC become
   * a bare httpGet.
   */
  @SuppressWarnings("unchecked")
  private static void rewriteInPlace(Map<String, Object> handler, String action, String path, int statusPort) {
    Map<String, Object> httpGet = action.equals("httpGet")
        ? new LinkedHashMap<>((Map<String, Object>) handler.get("httpGet")) : new LinkedHashMap<>();
    httpGet.put("path", path);
    httpGet.put("port", statusPort);
    if ("HTTPS".equals(httpGet.get("scheme"))) {
      httpGet.put("scheme", "HTTP");
    }
    replaceAction(handler, "httpGet", httpGet);
  }

  /** Makes {@code action} the handler's only action, first among its fields as Kubernetes writes them. */
  private static void replaceAction(Map<String, Object> handler, String action, Object value) {
    Map<String, Object> rest = new LinkedHashMap<>(handler);
    rest.keySet().removeAll(ACTIONS);
    rest.remove("exec");
    handler.clear();
    handler.put(action, value);
    handler.putAll(rest);
  }
}
