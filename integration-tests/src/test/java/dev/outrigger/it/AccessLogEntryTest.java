package dev.outrigger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AccessLogEntryTest {

  @Test
  void parsesTheLineOfSeed002() {
    AccessLogEntry entry = AccessLogEntry.parse("[2022-06-04T13:36:03.773Z] \"- - -\" 0 - - - \"-\" 2583 1548 65091"
        + " - \"-\" \"-\" \"-\" \"-\" \"10.244.2.4:80\" inbound|80|| 127.0.0.6:49097 10.244.2.4:80 10.244.3.3:44008 - -");

    assertEquals(Instant.parse("2022-06-04T13:36:03.773Z"), entry.start());
    assertEquals("- - -", entry.request());
    assertEquals("0", entry.responseCode());
    assertEquals("-", entry.responseFlags());
    assertEquals(2583, entry.bytesReceived());
    assertEquals(1548, entry.bytesSent());
    assertEquals(65091, entry.durationMillis());
    assertEquals("10.244.2.4:80", entry.upstreamHost());
    assertEquals("inbound|80||", entry.upstreamCluster());
    assertEquals("127.0.0.6:49097", entry.upstreamLocalAddress());
    assertEquals("10.244.2.4:80", entry.downstreamLocalAddress());
    assertEquals("10.244.3.3:44008", entry.downstreamRemoteAddress());
    assertEquals(44008, AccessLogEntry.port(entry.downstreamRemoteAddress()));
    assertEquals("10.244.3.3", AccessLogEntry.ip(entry.downstreamRemoteAddress()));
  }

  @Test
  void parsesAnUpstreamFailure() {
    AccessLogEntry entry = AccessLogEntry.parse("[2024-01-01T00:00:00.001Z] \"- - -\" 0 UF - - \"-\" 5 0 1"
        + " - \"-\" \"-\" \"-\" \"-\" \"10.99.0.11:8080\" inbound|8080|| - 10.99.0.11:8080 10.99.0.10:41000 - -");

    assertEquals("UF", entry.responseFlags());
    assertEquals("-", entry.upstreamLocalAddress());
  }

  @Test
  void rejectsOtherLines() {
    assertThrows(IllegalArgumentException.class, () -> AccessLogEntry.parse("INFO listening on 15001"));
  }
}
