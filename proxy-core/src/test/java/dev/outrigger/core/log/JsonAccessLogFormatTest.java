package dev.outrigger.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.outrigger.core.Direction;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonAccessLogFormatTest {
  private static final Instant START = Instant.parse("2022-06-04T13:36:03.773Z");

  @Test
  void aTcpConnectionIsLoggedAsEnvoysTcpProxyLogsIt() {
    // The server-side connection of seed 002, as Envoy's typed JSON formatter prints it.
    AccessLogEntry e = new AccessLogEntry(Direction.INBOUND, START, null, null, null, 0, "-", null, null, null,
        2583, 1548, 65091, null, null, null, null, null,
        address("10.244.2.4", 80), "inbound|80||", address("127.0.0.6", 49097), address("10.244.2.4", 80),
        address("10.244.3.3", 44008), null, null);
    assertEquals("{\"authority\":null,\"bytes_received\":2583,\"bytes_sent\":1548,"
        + "\"connection_termination_details\":null,\"downstream_local_address\":\"10.244.2.4:80\","
        + "\"downstream_remote_address\":\"10.244.3.3:44008\",\"duration\":65091,\"method\":null,\"path\":null,"
        + "\"protocol\":null,\"request_id\":null,\"requested_server_name\":null,\"response_code\":0,"
        + "\"response_code_details\":null,\"response_flags\":\"-\",\"route_name\":null,"
        + "\"start_time\":\"2022-06-04T13:36:03.773Z\",\"upstream_cluster\":\"inbound|80||\","
        + "\"upstream_host\":\"10.244.2.4:80\",\"upstream_local_address\":\"127.0.0.6:49097\","
        + "\"upstream_service_time\":null,\"upstream_transport_failure_reason\":null,\"user_agent\":null,"
        + "\"x_forwarded_for\":null}", new JsonAccessLogFormat().format(e));
  }

  @Test
  void anHttpRequestHasIstiosKeysWithNumbersAsNumbersAndHeadersAsStrings() {
    // The client-side request of seed 001.
    AccessLogEntry e = new AccessLogEntry(Direction.OUTBOUND, START, "GET", "/headers", "HTTP/1.1", 200, "-",
        "via_upstream", null, null, 0, 521, 2, 2L, null, "curl/7.58.0", "a93e2afa-cc27-4bb7-897c-5282c754d382",
        "httpbin-service", address("172.17.0.8", 80), "outbound|80||httpbin-service.default.svc.cluster.local",
        address("172.17.0.9", 43422), address("10.109.118.31", 80), address("172.17.0.9", 52178), null, "default");
    Map<String, Object> json = parse(new JsonAccessLogFormat().format(e));
    assertEquals(24, json.size(), json.toString());
    assertEquals("GET", json.get("method"));
    assertEquals("/headers", json.get("path"));
    assertEquals("HTTP/1.1", json.get("protocol"));
    assertEquals(200L, json.get("response_code"));
    assertEquals("-", json.get("response_flags"));
    assertEquals("via_upstream", json.get("response_code_details"));
    assertEquals(0L, json.get("bytes_received"));
    assertEquals(521L, json.get("bytes_sent"));
    assertEquals(2L, json.get("duration"));
    assertEquals("2", json.get("upstream_service_time"));
    assertEquals(null, json.get("x_forwarded_for"));
    assertEquals("curl/7.58.0", json.get("user_agent"));
    assertEquals("a93e2afa-cc27-4bb7-897c-5282c754d382", json.get("request_id"));
    assertEquals("httpbin-service", json.get("authority"));
    assertEquals("172.17.0.8:80", json.get("upstream_host"));
    assertEquals("outbound|80||httpbin-service.default.svc.cluster.local", json.get("upstream_cluster"));
    assertEquals("172.17.0.9:43422", json.get("upstream_local_address"));
    assertEquals("10.109.118.31:80", json.get("downstream_local_address"));
    assertEquals("172.17.0.9:52178", json.get("downstream_remote_address"));
    assertEquals(null, json.get("requested_server_name"));
    assertEquals("default", json.get("route_name"));
    assertEquals("2022-06-04T13:36:03.773Z", json.get("start_time"));
  }

  @Test
  void valuesFromTheWireAreEscapedAndIpv6IsBracketed() {
    String agent = "evil\" \\ \n\u0001 agent ü";
    AccessLogEntry e = new AccessLogEntry(Direction.INBOUND, START, "GET", "/a\"b", "HTTP/2", 503, "UF",
        null, null, "delayed connect error: 111", 0, 91, 10, null, "", agent, null, null,
        new InetSocketAddress("fd00::4", 80), "inbound|80||", null, new InetSocketAddress("fd00::4", 80),
        new InetSocketAddress("fd00::9", 51000), null, null);
    String line = new JsonAccessLogFormat().format(e);
    assertEquals(-1, line.indexOf('\n'), "one line: " + line);
    Map<String, Object> json = parse(line);
    assertEquals(agent, json.get("user_agent"));
    assertEquals("/a\"b", json.get("path"));
    assertEquals("", json.get("x_forwarded_for"), "an empty header is \"\", a missing one null");
    assertEquals("UF", json.get("response_flags"));
    assertEquals("delayed connect error: 111", json.get("upstream_transport_failure_reason"));
    assertEquals("[fd00::4]:80", json.get("upstream_host"));
    assertEquals("[fd00::9]:51000", json.get("downstream_remote_address"));
    assertEquals(null, json.get("upstream_local_address"));
  }

  @Test
  void noFlagsIsEnvoysDash() {
    AccessLogEntry e = new AccessLogEntry(Direction.OUTBOUND, START, null, null, null, 0, null, null, null, null,
        0, 0, 0, null, null, null, null, null, null, null, null, null, null, null, null);
    assertEquals("-", parse(new JsonAccessLogFormat().format(e)).get("response_flags"));
  }

  @Test
  void theEncodingIsChosenByIstiosNames() {
    assertEquals(JsonAccessLogFormat.class, AccessLogEncoding.parse("json").newFormat().getClass());
    assertEquals(TextAccessLogFormat.class, AccessLogEncoding.parse(" TEXT ").newFormat().getClass());
    IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> AccessLogEncoding.parse("yaml"));
    assertEquals("'yaml' (expected: TEXT or JSON)", bad.getMessage());
  }

  private static InetSocketAddress address(String ip, int port) {
    return new InetSocketAddress(ip, port);
  }

  /** A flat JSON object with the value types kept: String, Long or null. */
  private static Map<String, Object> parse(String json) {
    Map<String, Object> out = new LinkedHashMap<>();
    try (JsonParser p = new JsonFactory().createParser(json)) {
      assertEquals(JsonToken.START_OBJECT, p.nextToken());
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken t = p.nextToken();
        out.put(key, t == JsonToken.VALUE_NULL ? null : t == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : p.getText());
      }
      assertEquals(null, p.nextToken(), "nothing after the object");
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
    return out;
  }
}
