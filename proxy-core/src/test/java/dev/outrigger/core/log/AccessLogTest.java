package dev.outrigger.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.Direction;
import dev.outrigger.core.net.OriginalDestination;
import java.net.InetSocketAddress;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AccessLogTest {
  @Test
  void formatsATcpConnectionLikeIstiosSidecar() {
    // The server-side line of seed 002 (Istio 1.12, preserve mode).
    ConnectionRecord r = new ConnectionRecord(
        new InetSocketAddress("10.244.3.3", 44008), new InetSocketAddress("10.244.2.4", 15006));
    r.originalDestination(new OriginalDestination(new InetSocketAddress("10.244.2.4", 80)));
    r.upstream(new InetSocketAddress("10.244.2.4", 80), "inbound|80||");
    r.upstreamLocal(new InetSocketAddress("127.0.0.6", 49097));
    r.received(2583);
    r.sent(1548);
    r.finish();
    String line = new TextAccessLogFormat().format(r.toEntry(Direction.INBOUND));
    String tail = " - \"-\" \"-\" \"-\" \"-\" \"10.244.2.4:80\" inbound|80|| 127.0.0.6:49097 10.244.2.4:80 10.244.3.3:44008 - -";
    assertTrue(Pattern.matches("\\[\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z] \"- - -\" 0 - - - \"-\" 2583 1548 \\d+"
        + Pattern.quote(tail), line), line);
  }

  @Test
  void anUpstreamConnectFailureHasFlagUfAndNoUpstreamLocalAddress() {
    ConnectionRecord r = new ConnectionRecord(
        new InetSocketAddress("10.244.3.3", 44008), new InetSocketAddress("10.244.2.4", 15006));
    r.originalDestination(new OriginalDestination(new InetSocketAddress("10.244.2.4", 8080)));
    r.upstream(new InetSocketAddress("10.244.2.4", 8080), "inbound|8080||");
    r.flag(ResponseFlag.UPSTREAM_CONNECTION_FAILURE);
    r.flag(ResponseFlag.DOWNSTREAM_CONNECTION_TERMINATION); // a consequence: the first flag stays
    r.finish();
    String line = new TextAccessLogFormat().format(r.toEntry(Direction.INBOUND));
    assertTrue(line.contains("\"- - -\" 0 UF - - \"-\" 0 0 "), line);
    assertTrue(line.endsWith("\"10.244.2.4:8080\" inbound|8080|| - 10.244.2.4:8080 10.244.3.3:44008 - -"), line);
  }

  @Test
  void ipv6AddressesAreBracketed() {
    assertEquals("[fd00::4]:80", AccessLog.address(new InetSocketAddress("fd00::4", 80)));
    assertEquals("-", AccessLog.address(null));
    assertEquals("x [fd00::4]:80", AccessLog.appendAddress(new StringBuilder("x "), new InetSocketAddress("fd00::4", 80)).toString());
  }

  @Test
  void ipv4AddressesAreAppendedAsDottedQuads() {
    assertEquals("10.244.255.0:8080", AccessLog.appendAddress(new StringBuilder(), new InetSocketAddress("10.244.255.0", 8080)).toString());
    assertEquals("-", AccessLog.appendAddress(new StringBuilder(), null).toString());
  }

  @Test
  void eachLineReachesTheSinkWhole() {
    java.util.List<String> lines = new java.util.ArrayList<>();
    AccessLog log = new AccessLog(line -> lines.add(line.toString()));
    ConnectionRecord first = new ConnectionRecord(
        new InetSocketAddress("10.244.3.3", 44008), new InetSocketAddress("10.244.2.4", 15006));
    first.finish();
    log.write(first.toEntry(Direction.INBOUND));
    log.write(first.toEntry(Direction.OUTBOUND));
    assertEquals(2, lines.size());
    assertEquals(new TextAccessLogFormat().format(first.toEntry(Direction.OUTBOUND)), lines.get(1));
    new AccessLog(false, new TextAccessLogFormat(), line -> lines.add("should not be written")).write(first.toEntry(Direction.INBOUND));
    assertEquals(2, lines.size(), "a disabled access log writes nothing");
  }
}
