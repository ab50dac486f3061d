package dev.outrigger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outrigger.agent.AppListeners.Reach;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AppListenersTest {
  private static AppListeners sample() {
    List<InetSocketAddress> all = new ArrayList<>(ProcNetTcp.listeners(ProcNetTcpTest.TCP, ByteOrder.LITTLE_ENDIAN));
    all.addAll(ProcNetTcp.listeners(ProcNetTcpTest.TCP6, ByteOrder.LITTLE_ENDIAN));
    return AppListeners.of(all);
  }

  @Test
  void classifiesEachPortOfTheSampleTables() {
    AppListeners listeners = sample();
    assertEquals(Reach.LOOPBACK_ONLY, listeners.reach(18080)); // 127.0.0.1
    assertEquals(Reach.LOOPBACK_ONLY, listeners.reach(18081)); // ::1
    assertEquals(Reach.POD_ADDRESS, listeners.reach(18082)); // 0.0.0.0
    assertEquals(Reach.POD_ADDRESS, listeners.reach(18083)); // ::
    assertEquals(Reach.POD_ADDRESS, listeners.reach(8080)); // fd00::4, the pod's address
    assertEquals(Reach.NONE, listeners.reach(9090));
  }

  @Test
  void oneReachableListenerOnThePortIsEnough() {
    AppListeners both = AppListeners.of(List.of(new InetSocketAddress("127.0.0.1", 8080),
        new InetSocketAddress("10.244.2.4", 8080), new InetSocketAddress("::1", 8080)));
    assertEquals(Reach.POD_ADDRESS, both.reach(8080));
    AppListeners loOnly = AppListeners.of(List.of(new InetSocketAddress("127.0.0.1", 8080),
        new InetSocketAddress("::1", 8080), new InetSocketAddress("127.0.0.53", 53)));
    assertEquals(Reach.LOOPBACK_ONLY, loOnly.reach(8080));
    assertEquals(Reach.LOOPBACK_ONLY, loOnly.reach(53)); // all of 127.0.0.0/8 is lo
  }

  @Test
  void loopbackOnlyPortsLeaveOutTheIgnoredOnes() {
    assertEquals(Set.of(18081), sample().loopbackOnly(Set.of(18080)));
    assertEquals(List.of(18080, 18081), List.copyOf(sample().loopbackOnly(Set.of())));
  }
}
