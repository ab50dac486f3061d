package dev.outrigger.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AuthorityTest {
  @Test
  void onlyANumericPortIsStripped() {
    assertEquals("reviews", Authority.withoutPort("reviews:9080"));
    assertEquals("reviews:http", Authority.withoutPort("reviews:http"));
    assertEquals("reviews:", Authority.withoutPort("reviews:"));
    assertEquals("[fd00::20]", Authority.withoutPort("[fd00::20]:80"));
    assertEquals("[fd00::20]", Authority.withoutPort("[fd00::20]"));
    assertEquals("fd00::20", Authority.withoutPort("fd00::20"));
  }

  @Test
  void theBareHostHasNoBracketsNoPortAndIsLowerCase() {
    assertEquals("reviews.default.svc.cluster.local", Authority.host(" Reviews.Default.svc.cluster.local:9080 "));
    assertEquals("fd00::20", Authority.host("[fd00::20]:80"));
    assertEquals("fd00::20", Authority.host("[FD00::20]"));
    assertEquals("fd00::20", Authority.host("fd00::20"));
    assertEquals("10.96.0.20", Authority.host("10.96.0.20:9080"));
  }
}
