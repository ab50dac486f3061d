package dev.outrigger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcNetTcpTest {
  /**
   * Read from a Linux x86-64 host with listeners on 127.0.0.1:18080 and 0.0.0.0:18082, plus a
   * connection established from the pod IP 10.244.2.4:8080 (state 01, not a listener).
   */
  static final String TCP = """
        sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
         0: 0100007F:46A0 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 11353489 1 00000000fd118933 100 0 0 10 0
         1: 00000000:46A2 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 11353490 1 00000000e6a84bcd 100 0 0 10 0
         2: 0402F40A:1F90 0701F40A:9C40 01 00000000:00000000 00:00000000 00000000     0        0 11353500 1 0000000000000000 20 4 30 10 -1
      """;
  /** The same host: ::1:18081 and [::]:18083 (IPV6_V6ONLY), and fd00::4:8080. */
  static final String TCP6 = """
        sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
         0: 00000000000000000000000001000000:46A1 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 11353491 1 000000007dc24519 100 0 0 10 0
         1: 00000000000000000000000000000000:46A3 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 11353492 1 0000000054d3d2bf 100 0 0 10 0
         2: 000000FD000000000000000004000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 11353493 1 0000000054d3d2bf 100 0 0 10 0
      """;

  @Test
  void readsIpv4ListenersLittleEndianAndSkipsOtherStates() {
    assertEquals(List.of(new InetSocketAddress("127.0.0.1", 18080), new InetSocketAddress("0.0.0.0", 18082)),
        ProcNetTcp.listeners(TCP, ByteOrder.LITTLE_ENDIAN));
  }

  @Test
  void readsIpv6ListenersWordByWord() {
    assertEquals(List.of(new InetSocketAddress("::1", 18081), new InetSocketAddress("::", 18083),
        new InetSocketAddress("fd00::4", 8080)), ProcNetTcp.listeners(TCP6, ByteOrder.LITTLE_ENDIAN));
  }

  @Test
  void aBigEndianHostPrintsTheAddressInNetworkOrder() {
    assertEquals(new InetSocketAddress("127.0.0.1", 8080), ProcNetTcp.address("7F000001:1F90", ByteOrder.BIG_ENDIAN));
    assertEquals(new InetSocketAddress("::1", 8080),
        ProcNetTcp.address("00000000000000000000000000000001:1F90", ByteOrder.BIG_ENDIAN));
  }

  @Test
  void anIpv4MappedLoopbackIsReadAsIpv4() {
    assertEquals(new InetSocketAddress("127.0.0.1", 8080),
        ProcNetTcp.address("0000000000000000FFFF00000100007F:1F90", ByteOrder.LITTLE_ENDIAN));
  }

  @Test
  void malformedFieldsAreSkipped() {
    assertNull(ProcNetTcp.address("0100007F", ByteOrder.LITTLE_ENDIAN));
    assertNull(ProcNetTcp.address("0100007:1F90", ByteOrder.LITTLE_ENDIAN));
    assertNull(ProcNetTcp.address("0100007G:1F90", ByteOrder.LITTLE_ENDIAN));
    assertNull(ProcNetTcp.address("0100007F:FFFFF", ByteOrder.LITTLE_ENDIAN));
    assertEquals(List.of(), ProcNetTcp.listeners("garbage\n\n   7: x y 0A\n", ByteOrder.LITTLE_ENDIAN));
  }
}
