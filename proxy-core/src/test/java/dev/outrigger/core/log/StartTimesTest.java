package dev.outrigger.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StartTimesTest {
  private static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void matchesEnvoysFormatAcrossSecondsAndMillis() {
    assertEquals("2022-06-04T13:36:03.773Z", StartTimes.format(Instant.parse("2022-06-04T13:36:03.773Z")));
    assertEquals("2022-06-04T13:36:03.007Z", StartTimes.format(Instant.parse("2022-06-04T13:36:03.007912Z")));
    Random random = new Random(1);
    Instant t = Instant.parse("2026-11-21T23:59:58Z");
    for (int i = 0; i < 10_000; i++) {
      t = t.plusNanos(random.nextInt(400_000_000));
      assertEquals(REFERENCE.format(t), StartTimes.format(t));
    }
  }
}
