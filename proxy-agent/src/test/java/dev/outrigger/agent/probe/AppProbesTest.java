package dev.outrigger.agent.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.agent.ConfigException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** ISTIO_KUBE_APP_PROBERS, against the inputs of Istio's TestNewServer (pilot-agent status/server_test.go). */
class AppProbesTest {
  @ParameterizedTest
  @ValueSource(strings = {
      "{\"/app-health/hello-world/readyz\": {\"tcpSocket\": {\"port\": 8888}}}",
      "{\"/app-health/hello-world/readyz\": {\"httpGet\": {\"path\": \"/hello/sunnyvale\", \"port\": 8080}},"
          + "\"/app-health/business/livez\": {\"httpGet\": {\"path\": \"/business/live\", \"port\": 9090}}}",
      "{\"/app-health/hello-world/readyz\": {\"httpGet\": {\"path\": \"/hello/sunnyvale\", \"port\": 8080},"
          + "\"initialDelaySeconds\": 120,\"timeoutSeconds\": 10,\"periodSeconds\": 20}}",
      "{\"/app-health/hello-world/readyz\": {\"httpGet\": {\"path\": \"/hello/sunnyvale\", \"port\": 8080}},\n"
          + "\"/app-health/business/livez\": {\"httpGet\": {\"port\": 9090}}}",
      "{}",
      "{\"/app-health/hello-world/readyz\": {\"httpGet\": {\"path\": \"hello/sunnyvale\", \"port\": 8080}},\n"
          + "\"/app-health/business/livez\": {\"httpGet\": {\"port\": 9090}}}",
      "{\"/app-health/hello-world/readyz\": {\"gRPC\": {\"port\": 8080}}}",
      "{\"/app-health/hello-world/readyz\": {\"gRPC\": {\"port\": 8080, \"service\": null}}}",
      "{\"/app-health/hello-world/readyz\": {\"gRPC\": {\"port\": 8080, \"service\": \"foo\"}}}",
      "{\"/app-health/hello-world/readyz\": {\"gRPC\": {\"port\": 8080, \"service\": \"foo\"}, \"timeoutSeconds\": 10}}",
      "{\"/app-lifecycle/hello-world/prestopz\": {\"httpGet\": {\"path\": \"hello/texas\", \"port\": 8080}}}",
  })
  void acceptsWhatIstiosAgentAccepts(String raw) {
    AppProbes.parse(raw);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "invalid-prober-json-encoding|not a JSON object",
      "{\"abc\": {\"path\": \"/app-foo/health\"}}|key 'abc': invalid path",
      "{\"/app-health/hello-world/readyz\": {\"exec\": {\"command\": [ \"true\" ]}}}|invalid prober type",
      "{\"/app-health/hello-world/readyz\": {\"tcpSocket\": {\"port\": 8888}, \"httpGet\": {\"path\": \"/\", \"port\": 7777}}}"
          + "|must be one of type httpGet, tcpSocket or grpc",
      "{\"/app-health/hello-world/readyz\": {\"grpc\": {\"port\": 8888}, \"httpGet\": {\"path\": \"/\", \"port\": 7777}}}"
          + "|must be one of type httpGet, tcpSocket or grpc",
      "{\"/app-health/hello-world/readyz\": {\"tcpSocket\": {\"port\": \"tcp\"}}}|must be int type",
      "{\"/app-health/hello-world/readyz\": {\"httpGet\": {\"path\": \"/hello/sunnyvale\", \"port\": \"container-port-dontknow\"}}}"
          + "|must be int type",
      "{\"/app-health/web/livez\": {\"tcpSocket\": {\"port\": 8080}, \"timeoutSeconds\": -1}}|timeoutSeconds -1",
      "{\"/app-health/web/livez\": {\"tcpSocket\": {\"port\": 70000}}}|not a port number",
      "{\"/app-health/web/livez\": null}|not a JSON object",
  })
  void refusesWhatIstiosAgentRefusesNamingTheKey(String row) {
    String[] parts = row.split("\\|");
    ConfigException e = assertThrows(ConfigException.class, () -> AppProbes.parse(parts[0]));
    assertTrue(e.getMessage().startsWith("ISTIO_KUBE_APP_PROBERS: "), e.getMessage());
    assertTrue(e.getMessage().contains(parts[1]), e.getMessage());
  }

  @Test
  void parsesIntoTypedProbes() {
    AppProbes probes = AppProbes.parse("{"
        + "\"/app-health/web/readyz\":{\"httpGet\":{\"path\":\"ready\",\"port\":8080,\"scheme\":\"HTTPS\","
        + "\"httpHeaders\":[{\"name\":\"X\",\"value\":\"y\"}]},\"timeoutSeconds\":3},"
        + "\"/app-health/web/livez\":{\"tcpSocket\":{\"port\":8081}},"
        + "\"/app-health/web/startupz\":{\"grpc\":{\"port\":9090,\"service\":\"orders\"},\"timeoutSeconds\":2}}");
    assertEquals(Map.of(
        "/app-health/web/readyz", new AppProbe.HttpGet(8080, "/ready", true, Duration.ofSeconds(3)),
        "/app-health/web/livez", new AppProbe.TcpSocket(8081, Duration.ofSeconds(1)),
        "/app-health/web/startupz", new AppProbe.Grpc(9090, "orders", Duration.ofSeconds(2))), probes.byPath());
    assertEquals(new AppProbe.HttpGet(9090, "/", false, Duration.ofSeconds(1)), AppProbes.parse(
        "{\"/app-health/b/livez\":{\"httpGet\":{\"port\":9090,\"scheme\":\"HTTP\"}}}").byPath().get("/app-health/b/livez"));
    assertTrue(AppProbes.parse(null).isEmpty());
    assertTrue(AppProbes.parse(" ").isEmpty());
  }
}
