package dev.outrigger.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.google.protobuf.StringValue;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TranslationMemoTest {
  /** A translation that records what it translated; each result a new object. */
  private final List<String> translated = new ArrayList<>();

  private StringBuilder translate(StringValue message) {
    translated.add(message.getValue());
    return new StringBuilder(message.getValue());
  }

  private static StringValue message(String value) {
    return StringValue.of(value);
  }

  @Test
  void anEqualMessageGetsTheSameTranslationAndAChangedOneANewOne() throws Exception {
    TranslationMemo<String, StringValue, StringBuilder> memo = new TranslationMemo<>();
    var first = memo.update();
    StringBuilder a = first.translate("a", message("a1"), this::translate);
    StringBuilder b = first.translate("b", message("b1"), this::translate);
    first.commit();

    var second = memo.update();
    assertSame(a, second.translate("a", message("a1"), this::translate), "equal, though another instance");
    StringBuilder b2 = second.translate("b", message("b2"), this::translate);
    assertNotSame(b, b2);
    assertEquals("b2", b2.toString());
    assertEquals(1, second.reused());
    second.commit();

    assertEquals(List.of("a1", "b1", "b2"), translated);
    assertSame(b2, memo.update().translate("b", message("b2"), this::translate));
  }

  @Test
  void anUpdateNeverCommittedLeavesTheMemoAsItWas() throws Exception {
    TranslationMemo<String, StringValue, StringBuilder> memo = new TranslationMemo<>();
    var accepted = memo.update();
    StringBuilder a = accepted.translate("a", message("a1"), this::translate);
    accepted.commit();

    var rejected = memo.update(); // as XdsConfigSource does when a later resource rejects the update
    StringBuilder aChanged = rejected.translate("a", message("a2"), this::translate);

    var next = memo.update();
    StringBuilder again = next.translate("a", message("a2"), this::translate);
    assertNotSame(aChanged, again, "the rejected update's translation is not reused");
    assertSame(a, memo.update().translate("a", message("a1"), this::translate), "the accepted one still is");
    assertEquals(List.of("a1", "a2", "a2"), translated);
  }

  @Test
  void aResourceLeftOutOfAnAcceptedUpdateIsForgotten() throws Exception {
    TranslationMemo<String, StringValue, StringBuilder> memo = new TranslationMemo<>();
    var first = memo.update();
    StringBuilder a = first.translate("a", message("a1"), this::translate);
    first.commit();
    memo.update().commit(); // "a" removed

    assertEquals(0, memo.size());
    assertNotSame(a, memo.update().translate("a", message("a1"), this::translate));
  }
}
