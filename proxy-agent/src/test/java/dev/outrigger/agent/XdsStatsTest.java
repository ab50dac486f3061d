package dev.outrigger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.xds.ResourceType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every type the client can be told of has counters: a listener that threw for istiod's name
 * table stopped the xDS client's loop task between "accepted" and the ACK, so NDS was never ACKed.
 */
class XdsStatsTest {
  @Test
  void everyResourceTypeIsCountedWithoutThrowing() {
    XdsStats stats = new XdsStats();
    for (ResourceType type : ResourceType.values()) {
      stats.accepted(type, "1", 1);
      stats.rejected(type, "2", "bad");
      assertEquals(1, stats.success(type), type.name());
      assertEquals(1, stats.rejected(type), type.name());
    }
  }

  @Test
  void theNameTableHasCountersOfItsOwn() {
    XdsStats stats = new XdsStats();
    stats.accepted(ResourceType.NAME_TABLE, "7", 1);
    Map<String, Object> snapshot = stats.snapshot();
    assertEquals(1L, snapshot.get("outrigger.xds.nds.update_success"));
    assertEquals("7", snapshot.get("outrigger.xds.nds.version_text"));
  }
}
