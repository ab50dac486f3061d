package dev.outrigger.it.sidecar;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The environment a sidecar is started with; every test states the settings it relies on. */
public final class SidecarSettings {
  public static final String INBOUND_MODE = "OUTRIGGER_INBOUND_MODE";
  /** Istio's interception mode, as the injector sets it: REDIRECT (default) or TPROXY. */
  public static final String INTERCEPTION_MODE = "ISTIO_META_INTERCEPTION_MODE";
  public static final String LOCALHOST_INBOUND_PORTS = "OUTRIGGER_LOCALHOST_INBOUND_PORTS";
  public static final String DRAIN_DURATION = "OUTRIGGER_DRAIN_DURATION";
  public static final String EXIT_ON_ZERO_ACTIVE_CONNECTIONS = "EXIT_ON_ZERO_ACTIVE_CONNECTIONS";
  public static final String MINIMUM_DRAIN_DURATION = "MINIMUM_DRAIN_DURATION";
  public static final String ACCESS_LOG_ENCODING = "OUTRIGGER_ACCESS_LOG_ENCODING";
  public static final String PROTOCOL_DETECTION = "OUTRIGGER_PROTOCOL_DETECTION";
  public static final String SERVER_FIRST_PORTS = "OUTRIGGER_SERVER_FIRST_PORTS";
  public static final String ROUTE_TIMEOUT = "OUTRIGGER_ROUTE_TIMEOUT";
  public static final String TRACING = "OUTRIGGER_TRACING";
  /** Where the agent dials xDS (ip:port; port 15010 is plaintext, as istiod's). */
  public static final String PILOT_ADDRESS = "PILOT_ADDRESS";

  private final Map<String, String> env;

  private SidecarSettings(Map<String, String> env) {
    this.env = env;
  }

  public static SidecarSettings inboundMode(InboundMode mode) {
    return new SidecarSettings(Map.of()).with(INBOUND_MODE, mode.envValue());
  }

  /** Settings as the product's defaults give them: no variable set at all. */
  public static SidecarSettings defaults() {
    return new SidecarSettings(Map.of());
  }

  public SidecarSettings with(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(env);
    copy.put(name, value);
    return new SidecarSettings(Map.copyOf(copy));
  }

  /** NAME=value words for env(1). */
  List<String> assignments() {
    List<String> words = new ArrayList<>();
    env.forEach((name, value) -> words.add(name + "=" + value));
    words.sort(null);
    return words;
  }

  @Override
  public String toString() {
    return String.join(" ", assignments());
  }
}
