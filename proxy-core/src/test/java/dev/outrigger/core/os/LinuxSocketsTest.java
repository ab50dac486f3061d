package dev.outrigger.core.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class LinuxSocketsTest {
  @Test
  void decodesSockaddrIn() {
    // AF_INET=2 (host order), port 8080 (network order), 10.244.2.4
    byte[] raw = {2, 0, 0x1f, (byte) 0x90, 10, (byte) 244, 2, 4, 0, 0, 0, 0, 0, 0, 0, 0};
    assertEquals(new InetSocketAddress("10.244.2.4", 8080), LinuxSockets.decodeSockaddr(raw));
  }

  @Test
  void decodesSockaddrIn6() {
    byte[] raw = new byte[28];
    raw[0] = 10; // AF_INET6
    raw[2] = 0;
    raw[3] = 80;
    raw[8] = (byte) 0xfd;
    raw[23] = 4;
    assertEquals(new InetSocketAddress("fd00::4", 80), LinuxSockets.decodeSockaddr(raw));
  }

  @Test
  void rejectsOtherFamilies() {
    assertThrows(IllegalArgumentException.class, () -> LinuxSockets.decodeSockaddr(new byte[16]));
  }

  @Test
  void aFailedLookupCarriesErrno() {
    // A descriptor that is surely not open: the kernel answers EBADF (9).
    OsCallException e = assertThrows(OsCallException.class, () -> LinuxSockets.originalDestination(1_000_000, false));
    assertEquals(9, e.errno());
  }
}
