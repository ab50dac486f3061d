package dev.outrigger.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class TraceContextTest {
  private static final String HEX16 = "[0-9a-f]{16}";

  @Test
  void aRequestWithoutTraceStartsA128BitTraceWithTheSameIdsInBothFormats() {
    HttpHeaders h = new DefaultHttpHeaders();
    TraceContext.newSpan(h, 100);
    String trace = h.get(TraceContext.TRACE_ID);
    String span = h.get(TraceContext.SPAN_ID);
    assertTrue(trace.matches("[0-9a-f]{32}"), trace);
    assertTrue(span.matches(HEX16), span);
    assertNull(h.get(TraceContext.PARENT_SPAN_ID));
    assertEquals("1", h.get(TraceContext.SAMPLED));
    assertEquals("00-" + trace + "-" + span + "-01", h.get(TraceContext.TRACEPARENT));
  }

  @Test
  void aB3TraceContinuesWithTheCallersSpanAsParent() {
    HttpHeaders h = new DefaultHttpHeaders()
        .set(TraceContext.TRACE_ID, "463ac35c9f6413ad")
        .set(TraceContext.SPAN_ID, "a2fb4a1d1a96d312")
        .set(TraceContext.SAMPLED, "0");
    TraceContext.newSpan(h, 100);
    assertEquals("463ac35c9f6413ad", h.get(TraceContext.TRACE_ID));
    assertEquals("a2fb4a1d1a96d312", h.get(TraceContext.PARENT_SPAN_ID));
    assertNotEquals("a2fb4a1d1a96d312", h.get(TraceContext.SPAN_ID));
    assertEquals("0", h.get(TraceContext.SAMPLED), "the caller's decision stands");
    assertEquals("00-0000000000000000463ac35c9f6413ad-" + h.get(TraceContext.SPAN_ID) + "-00",
        h.get(TraceContext.TRACEPARENT));
  }

  @Test
  void aW3cTraceContinuesInB3Too() {
    HttpHeaders h = new DefaultHttpHeaders()
        .set(TraceContext.TRACEPARENT, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    TraceContext.newSpan(h, 0);
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", h.get(TraceContext.TRACE_ID));
    assertEquals("00f067aa0ba902b7", h.get(TraceContext.PARENT_SPAN_ID));
    assertEquals("1", h.get(TraceContext.SAMPLED));
    assertTrue(h.get(TraceContext.TRACEPARENT).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-"));
  }

  @Test
  void aMalformedTraceIdIsReplacedAndItsParentDropped() {
    HttpHeaders h = new DefaultHttpHeaders()
        .set(TraceContext.TRACE_ID, "not-hex")
        .set(TraceContext.SPAN_ID, "a2fb4a1d1a96d312");
    TraceContext.newSpan(h, 0);
    assertTrue(h.get(TraceContext.TRACE_ID).matches("[0-9a-f]{32}"));
    assertFalse(h.contains(TraceContext.PARENT_SPAN_ID));
    assertEquals("0", h.get(TraceContext.SAMPLED));
  }

  @Test
  void hexIsSixteenLowerCaseDigitsWithLeadingZeros() {
    assertEquals("0000000000000000", TraceContext.hex(0));
    assertEquals("00000000000000ff", TraceContext.hex(255));
    assertEquals("ffffffffffffffff", TraceContext.hex(-1));
    assertEquals("8000000000000000", TraceContext.hex(Long.MIN_VALUE));
  }
}
