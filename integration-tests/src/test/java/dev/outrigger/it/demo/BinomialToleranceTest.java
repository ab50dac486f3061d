package dev.outrigger.it.demo;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BinomialToleranceTest {
  @Test
  void fiveSigmaOf2000PicksAtFivePercentIs100PlusMinus49() {
    BinomialTolerance tolerance = new BinomialTolerance(2000, 0.05, 5);
    assertAll(
        () -> assertEquals(100, tolerance.expected(), 1e-9),
        // 5 * sqrt(2000 * 0.05 * 0.95) = 5 * sqrt(95) = 48.73
        () -> assertEquals(48.73, tolerance.halfWidth(), 0.01),
        () -> assertEquals("100 ± 49", tolerance.describe()),
        () -> assertTrue(tolerance.admits(52)),
        () -> assertTrue(tolerance.admits(148)),
        () -> assertFalse(tolerance.admits(51)),
        () -> assertFalse(tolerance.admits(149)));
  }

  @Test
  void ninetyPercentIs1800PlusMinus67() {
    BinomialTolerance tolerance = new BinomialTolerance(2000, 0.90, 5);
    assertAll(
        () -> assertEquals("1800 ± 67", tolerance.describe()),
        () -> assertTrue(tolerance.admits(1733)),
        () -> assertFalse(tolerance.admits(1732)));
  }

  @Test
  void rejectsAProbabilityOutsideZeroToOne() {
    assertThrows(IllegalArgumentException.class, () -> new BinomialTolerance(2000, 1.5, 5));
  }
}
