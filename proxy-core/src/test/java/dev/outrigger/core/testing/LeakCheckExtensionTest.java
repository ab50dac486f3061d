package dev.outrigger.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The leak check must see a leak: otherwise every test of the module passes with leaks too. */
class LeakCheckExtensionTest {

  @Test
  void theTestsRunWithEveryBufferTracked() {
    assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel());
  }

  @Test
  void aBufferThatIsNeverReleasedIsFound() throws InterruptedException {
    leak();
    List<String> leaks = LeakCheckExtension.collect(); // taken here, so this test itself passes
    assertFalse(leaks.isEmpty(), "the deliberately leaked buffer was not found");
    assertTrue(leaks.get(0).contains("LEAK: ByteBuf.release() was not called"), leaks.get(0));
  }

  private static void leak() {
    ByteBuf lost = ByteBufAllocator.DEFAULT.buffer(16);
    lost.writeLong(42); // touched, so it has an access record; then dropped without release()
  }
}
