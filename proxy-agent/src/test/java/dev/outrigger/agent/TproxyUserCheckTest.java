package dev.outrigger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.core.config.InterceptionMode;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class TproxyUserCheckTest {

  @Test
  void warnsOnlyForTproxyAsTheCapturedUid() {
    assertTrue(TproxyUserCheck.warning(InterceptionMode.TPROXY, 1337).orElseThrow()
        .contains("Run the proxy as uid 0, gid 1337, with NET_ADMIN"));
    assertEquals(Optional.empty(), TproxyUserCheck.warning(InterceptionMode.TPROXY, 0));
    assertEquals(Optional.empty(), TproxyUserCheck.warning(InterceptionMode.REDIRECT, 1337));
  }

  @Test
  void theEffectiveUidIsTheSecondFieldOfTheUidLine() {
    String status = "Name:\tjava\nUmask:\t0022\nUid:\t0\t1337\t1337\t1337\nGid:\t1337\t1337\t1337\t1337\n";
    assertEquals(OptionalLong.of(1337), TproxyUserCheck.effectiveUid(status));
    assertEquals(OptionalLong.empty(), TproxyUserCheck.effectiveUid("Name:\tjava\n"));
  }
}
