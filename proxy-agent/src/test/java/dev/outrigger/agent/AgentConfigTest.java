package dev.outrigger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.outrigger.core.config.InboundMode;
import java.time.Duration;
import dev.outrigger.core.config.InterceptionMode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentConfigTest {
  @Test
  void defaultsAreIstios() {
    AgentConfig c = AgentConfig.fromEnvironment(Map.of());
    assertEquals(15001, c.proxy().outboundPort());
    assertEquals(15006, c.proxy().inboundPort());
    assertEquals(InboundMode.PRESERVE, c.proxy().inboundMode());
    assertEquals(Duration.ofSeconds(10), c.proxy().connectTimeout());
    assertEquals(Duration.ofHours(1), c.proxy().idleTimeout());
    assertEquals(15021, c.statusPort());
    assertEquals(15000, c.adminPort());
    assertEquals(Duration.ofSeconds(5), c.drain().terminationDrainDuration());
    assertEquals(false, c.drain().exitOnZeroActiveConnections());
    assertEquals(Duration.ofSeconds(5), c.drain().minimumDrainDuration());
    assertEquals(Duration.ofSeconds(1), c.accessLogFlushInterval());
    assertEquals(true, c.proxy().accessLog());
  }

  @Test
  void readsEveryKey() {
    AgentConfig c = AgentConfig.fromEnvironment(Map.ofEntries(
        Map.entry("OUTRIGGER_INBOUND_MODE", "LOCALHOST"),
        Map.entry("OUTRIGGER_OUTBOUND_PORT", "16001"),
        Map.entry("OUTRIGGER_INBOUND_PORT", "16006"),
        Map.entry("OUTRIGGER_STATUS_PORT", "16021"),
        Map.entry("OUTRIGGER_ADMIN_PORT", "16000"),
        Map.entry("OUTRIGGER_CONNECT_TIMEOUT", "250ms"),
        Map.entry("OUTRIGGER_IDLE_TIMEOUT", "5m"),
        Map.entry("OUTRIGGER_DRAIN_DURATION", "0s"),
        Map.entry("EXIT_ON_ZERO_ACTIVE_CONNECTIONS", "true"),
        Map.entry("MINIMUM_DRAIN_DURATION", "2s"),
        Map.entry("OUTRIGGER_ACCESS_LOG_FLUSH_INTERVAL", "250ms"),
        Map.entry("OUTRIGGER_ACCESS_LOG", "off"),
        Map.entry("OUTRIGGER_IPV6", "off"),
        Map.entry("OUTRIGGER_CONCURRENCY", "4"),
        Map.entry("OUTRIGGER_LOG_LEVEL", "DEBUG")));
    assertEquals(InboundMode.LOOPBACK, c.proxy().inboundMode());
    assertEquals(16001, c.proxy().outboundPort());
    assertEquals(16006, c.proxy().inboundPort());
    assertEquals(16021, c.statusPort());
    assertEquals(16000, c.adminPort());
    assertEquals(Duration.ofMillis(250), c.proxy().connectTimeout());
    assertEquals(Duration.ofMinutes(5), c.proxy().idleTimeout());
    assertEquals(Duration.ZERO, c.drain().terminationDrainDuration());
    assertEquals(true, c.drain().exitOnZeroActiveConnections());
    assertEquals(Duration.ofSeconds(2), c.drain().minimumDrainDuration());
    assertEquals(Duration.ofMillis(250), c.accessLogFlushInterval());
    assertEquals(false, c.proxy().accessLog());
    assertEquals(false, c.proxy().ipv6());
    assertEquals(4, c.proxy().workerThreads());
    assertEquals("debug", c.logLevel());
  }

  /** The injector sets ISTIO_META_INTERCEPTION_MODE on the proxy container; it is read once, typed. */
  @Test
  void theInterceptionModeComesFromIstiosVariable() {
    assertEquals(InterceptionMode.TPROXY, AgentConfig.fromEnvironment(
        Map.of("ISTIO_META_INTERCEPTION_MODE", "TPROXY")).proxy().interceptionMode());
    assertEquals(InterceptionMode.REDIRECT, AgentConfig.fromEnvironment(Map.of()).proxy().interceptionMode());
    assertMessage("ISTIO_META_INTERCEPTION_MODE='nat' (expected: REDIRECT, TPROXY or NONE)",
        "ISTIO_META_INTERCEPTION_MODE", "nat");
  }

  @Test
  void badValuesNameTheKeyAndWhatWasExpected() {
    assertMessage("OUTRIGGER_INBOUND_MODE='eth0' (expected: preserve, loopback (or Istio's PASSTHROUGH, LOCALHOST))",
        "OUTRIGGER_INBOUND_MODE", "eth0");
    assertMessage("OUTRIGGER_OUTBOUND_PORT='70000' (expected: a port number 0-65535)", "OUTRIGGER_OUTBOUND_PORT", "70000");
    assertMessage("OUTRIGGER_ADMIN_PORT='x' (expected: a port number 0-65535)", "OUTRIGGER_ADMIN_PORT", "x");
    assertMessage("OUTRIGGER_CONNECT_TIMEOUT='10' (expected: a duration such as 500ms, 10s, 5m or 1h)",
        "OUTRIGGER_CONNECT_TIMEOUT", "10");
    assertMessage("OUTRIGGER_IDLE_TIMEOUT='0s' (expected: a duration > 0)", "OUTRIGGER_IDLE_TIMEOUT", "0s");
    assertMessage("OUTRIGGER_ACCESS_LOG='maybe' (expected: on or off)", "OUTRIGGER_ACCESS_LOG", "maybe");
    assertMessage("OUTRIGGER_ACCESS_LOG_FLUSH_INTERVAL='0s' (expected: a duration > 0)",
        "OUTRIGGER_ACCESS_LOG_FLUSH_INTERVAL", "0s");
    assertMessage("OUTRIGGER_CONCURRENCY='0' (expected: a whole number >= 1)", "OUTRIGGER_CONCURRENCY", "0");
    assertMessage("OUTRIGGER_LOG_LEVEL='loud' (expected: trace, debug, info, warn, error or off)",
        "OUTRIGGER_LOG_LEVEL", "loud");
  }

  @Test
  void readsTheHttpKeys() {
    AgentConfig c = AgentConfig.fromEnvironment(Map.of(
        "OUTRIGGER_PROTOCOL_DETECTION", "off", "OUTRIGGER_SERVER_FIRST_PORTS", "5432, 6379",
        "OUTRIGGER_ROUTE_TIMEOUT", "15s", "OUTRIGGER_MAX_REQUEST_HEADERS_KB", "96",
        "OUTRIGGER_TRACING", "off", "OUTRIGGER_TRACE_SAMPLING", "100", "OUTRIGGER_UPSTREAM_IDLE_TIMEOUT", "5m"));
    assertEquals(false, c.http().detection());
    assertEquals(java.util.Set.of(25, 53, 3306, 27017, 5432, 6379), c.http().serverFirstPorts());
    assertEquals(Duration.ofSeconds(15), c.http().routeTimeout());
    assertEquals(96 * 1024, c.http().maxRequestHeaderBytes());
    assertEquals(false, c.http().tracing());
    assertEquals(100.0, c.http().traceSamplingPercent());
    assertEquals(Duration.ofMinutes(5), c.http().upstreamIdleTimeout());
    assertMessage("OUTRIGGER_SERVER_FIRST_PORTS='x' (expected: a port number 0-65535)", "OUTRIGGER_SERVER_FIRST_PORTS", "x");
    assertMessage("OUTRIGGER_TRACE_SAMPLING='101' (expected: a percentage 0-100)", "OUTRIGGER_TRACE_SAMPLING", "101");
    assertEquals(true, AgentConfig.fromEnvironment(Map.of()).http().detection());
  }

  @Test
  void readsTheHttpTimeouts() {
    AgentConfig c = AgentConfig.fromEnvironment(Map.of(
        "OUTRIGGER_PROTOCOL_DETECTION_TIMEOUT", "5s", "OUTRIGGER_REQUEST_HEADERS_TIMEOUT", "0s",
        "OUTRIGGER_STREAM_IDLE_TIMEOUT", "30m"));
    assertEquals(Duration.ofSeconds(5), c.http().timeouts().protocolDetection());
    assertEquals(Duration.ZERO, c.http().timeouts().requestHeaders());
    assertEquals(Duration.ofMinutes(30), c.http().timeouts().streamIdle());
    AgentConfig defaults = AgentConfig.fromEnvironment(Map.of());
    assertEquals(Duration.ZERO, defaults.http().timeouts().protocolDetection());
    assertEquals(Duration.ofSeconds(10), defaults.http().timeouts().requestHeaders());
    assertEquals(Duration.ofMinutes(5), defaults.http().timeouts().streamIdle());
    assertMessage("OUTRIGGER_STREAM_IDLE_TIMEOUT='5' (expected: a duration such as 500ms, 10s, 5m or 1h)",
        "OUTRIGGER_STREAM_IDLE_TIMEOUT", "5");
    assertMessage("OUTRIGGER_REQUEST_HEADERS_TIMEOUT='-1s' (expected: a duration such as 500ms, 10s, 5m or 1h)",
        "OUTRIGGER_REQUEST_HEADERS_TIMEOUT", "-1s");
  }

  @Test
  void theBufferBudgetIsReadInMebibytes() {
    assertEquals(48L << 20, AgentConfig.fromEnvironment(Map.of("OUTRIGGER_BUFFER_BUDGET_MB", "48")).overload().budgetBytes());
    assertEquals(dev.outrigger.core.overload.OverloadSettings.defaults(), AgentConfig.fromEnvironment(Map.of()).overload());
    assertMessage("OUTRIGGER_BUFFER_BUDGET_MB='0' (expected: a whole number >= 1)", "OUTRIGGER_BUFFER_BUDGET_MB", "0");
  }

  @Test
  void localhostInboundPortsAreParsedOnceWithClearErrors() {
    assertEquals(java.util.Set.of(), AgentConfig.fromEnvironment(Map.of()).proxy().localhostInboundPorts().ports());
    assertEquals(java.util.Set.of(8080, 9090), AgentConfig.fromEnvironment(
        Map.of("OUTRIGGER_LOCALHOST_INBOUND_PORTS", "8080, 9090")).proxy().localhostInboundPorts().ports());
    assertMessage("OUTRIGGER_LOCALHOST_INBOUND_PORTS='8080;9090': '8080;9090' is not a port"
        + " (expected: a comma-separated list of ports 1-65535, such as 8080,9090)",
        "OUTRIGGER_LOCALHOST_INBOUND_PORTS", "8080;9090");
    assertMessage("OUTRIGGER_LOCALHOST_INBOUND_PORTS='70000': 70000 is out of range"
        + " (expected: a comma-separated list of ports 1-65535, such as 8080,9090)",
        "OUTRIGGER_LOCALHOST_INBOUND_PORTS", "70000");
  }

  @Test
  void theSamePortForBothListenersIsRefused() {
    ConfigException e = assertThrows(ConfigException.class, () -> AgentConfig.fromEnvironment(
        Map.of("OUTRIGGER_OUTBOUND_PORT", "15006")));
    assertEquals("outboundPort and inboundPort: both 15006 (expected: two different ports)", e.getMessage());
  }

  @Test
  void durationsRoundTrip() {
    for (String d : new String[] {"500ms", "10s", "5m", "1h", "0s", "90s"}) {
      assertEquals(d, Durations.format(Durations.parse(d)));
    }
  }

  private static void assertMessage(String expected, String key, String value) {
    ConfigException e = assertThrows(ConfigException.class, () -> AgentConfig.fromEnvironment(Map.of(key, value)));
    assertEquals(expected, e.getMessage());
  }
}
