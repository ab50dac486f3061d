package dev.outrigger.iptables.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {
  @ParameterizedTest
  @CsvSource({"5s, 5000", "500ms, 500", "1m30s, 90000", "1.5s, 1500", "2h, 7200000", "0, 0", "1500us, 1"})
  void parsesGoDurations(String text, long millis) {
    assertEquals(Duration.ofMillis(millis), GoDuration.parse(text).withNanos(GoDuration.parse(text).toMillisPart() * 1_000_000));
  }

  @ParameterizedTest
  @ValueSource(strings = {"5", "s", "5 s", "5sec", "-5s", "", "1m30"})
  void refusesOtherText(String text) {
    assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(text));
  }
}
