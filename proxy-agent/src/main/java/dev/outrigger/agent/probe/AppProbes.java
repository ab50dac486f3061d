package dev.outrigger.agent.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.agent.ConfigException;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The app's probes by the path the kubelet asks for on the agent port, parsed once from
 * ISTIO_KUBE_APP_PROBERS in Istio's format, e.g.
 * {@code {"/app-health/web/readyz":{"httpGet":{"path":"/ready","port":8080},"timeoutSeconds":1}}}.
 *
 * <p>Validation follows Istio's status server (validateAppKubeProber): keys match
 * {@code /(app-health|app-lifecycle)/<container>/(livez|readyz|startupz|prestopz|poststartz)},
 * exactly one of httpGet, tcpSocket or grpc, numeric ports. Field names match case-insensitively
 * because Go's JSON decoder does ("gRPC" appears in Istio's own tests); unknown fields are ignored.
 */
public record AppProbes(Map<String, AppProbe> byPath) {
  public static final String ENV = "ISTIO_KUBE_APP_PROBERS";
  /** Istio's appProberPattern. */
  static final Pattern PATH = Pattern.compile(
      "^/(app-health|app-lifecycle)/[^/]+/(livez|readyz|startupz|prestopz|poststartz)$");
  /** Kubernetes' default timeoutSeconds: the API server fills it in, so the injector normally copies 1. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

  public static final AppProbes NONE = new AppProbes(Map.of());

  public AppProbes {
    byPath = Map.copyOf(byPath);
  }

  public Optional<AppProbe> get(String path) {
    return Optional.ofNullable(byPath.get(path));
  }

  public boolean isEmpty() {
    return byPath.isEmpty();
  }

  /** Unset or empty: no probes. Anything else must parse; the exception names the key. */
  public static AppProbes parse(String raw) {
    if (raw == null || raw.isBlank()) {
      return NONE;
    }
    JsonNode json;
    try {
      json = new ObjectMapper().readTree(raw);
    } catch (IOException e) {
      json = null;
    }
    if (json == null || !json.isObject()) {
      throw new ConfigException(ENV + ": not a JSON object of probes ('" + raw + "'; expected e.g. "
          + "{\"/app-health/web/readyz\":{\"httpGet\":{\"path\":\"/ready\",\"port\":8080}}})");
    }
    Map<String, AppProbe> probes = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      try {
        probes.put(entry.getKey(), probe(entry.getKey(), entry.getValue()));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(ENV + ": key '" + entry.getKey() + "': " + e.getMessage());
      }
    }
    return new AppProbes(probes);
  }

  private static AppProbe probe(String path, JsonNode probe) {
    if (!PATH.matcher(path).matches()) {
      throw new IllegalArgumentException("invalid path (expected: " + PATH.pattern() + ")");
    }
    if (probe == null || !probe.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    JsonNode httpGet = field(probe, "httpGet");
    JsonNode tcpSocket = field(probe, "tcpSocket");
    JsonNode grpc = field(probe, "grpc");
    int kinds = (httpGet == null ? 0 : 1) + (tcpSocket == null ? 0 : 1) + (grpc == null ? 0 : 1);
    if (kinds != 1) {
      throw new IllegalArgumentException("invalid prober type, must be one of type httpGet, tcpSocket or grpc");
    }
    Duration timeout = timeout(field(probe, "timeoutSeconds"));
    if (httpGet != null) {
      JsonNode pathNode = field(httpGet, "path");
      String appPath = pathNode == null || pathNode.isNull() ? "" : pathNode.asText();
      JsonNode scheme = field(httpGet, "scheme");
      // As Istio: only "HTTPS" means TLS (the API server admits HTTP and HTTPS only).
      boolean https = scheme != null && "HTTPS".equals(scheme.asText());
      return new AppProbe.HttpGet(port(httpGet, "httpGet"), appPath.startsWith("/") ? appPath : "/" + appPath,
          https, timeout);
    }
    if (tcpSocket != null) {
      return new AppProbe.TcpSocket(port(tcpSocket, "tcpSocket"), timeout);
    }
    JsonNode service = field(grpc, "service");
    return new AppProbe.Grpc(port(grpc, "grpc"), service == null || service.isNull() ? "" : service.asText(), timeout);
  }

  private static int port(JsonNode action, String kind) {
    JsonNode port = field(action, "port");
    if (port == null || !port.isIntegralNumber()) {
      // Named ports are resolved by the injector; one left over cannot be dialled.
      throw new IllegalArgumentException(kind + ".port " + (port == null ? "is missing" : port + " is not a number")
          + " (the port must be int type)");
    }
    int value = port.asInt();
    if (!port.canConvertToInt() || value < 1 || value > 65535) {
      throw new IllegalArgumentException(kind + ".port " + port + " is not a port number 1-65535");
    }
    return value;
  }

  private static Duration timeout(JsonNode seconds) {
    if (seconds == null || seconds.isNull()) {
      return DEFAULT_TIMEOUT;
    }
    if (!seconds.isIntegralNumber() || !seconds.canConvertToInt() || seconds.asInt() < 0) {
      throw new IllegalArgumentException("timeoutSeconds " + seconds + " is not a whole number >= 0");
    }
    // Istio's agent waits without limit on 0; the API server never stores 0, so 0 means its default here.
    return seconds.asInt() == 0 ? DEFAULT_TIMEOUT : Duration.ofSeconds(seconds.asInt());
  }

  /** A field by name, matched case-insensitively as Go's encoding/json does. */
  private static JsonNode field(JsonNode object, String name) {
    if (!object.isObject()) {
      return null;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isNull()) {
        return entry.getValue();
      }
    }
    return null;
  }
}
