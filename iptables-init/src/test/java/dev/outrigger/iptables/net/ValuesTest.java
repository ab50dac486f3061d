package dev.outrigger.iptables.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValuesTest {
  @Test
  void portsParseWithinRange() {
    assertEquals(new Port(1), Port.parse("1"));
    assertEquals(new Port(65535), Port.parse(" 65535 "));
    assertEquals(List.of(new Port(15090), new Port(15021)), Port.parseList("15090,,15021,"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "65536", "-1", "http", "1.5", "", "123456"})
  void badPortsAreRefused(String text) {
    assertThrows(IllegalArgumentException.class, () -> Port.parse(text));
  }

  @Test
  void ownerIdsAreNumericLists() {
    assertEquals(List.of(1337L, 0L, 4294967294L), OwnerIds.parse("1337, 0,4294967294").ids());
    assertThrows(IllegalArgumentException.class, () -> OwnerIds.parse("4294967295"));
    assertThrows(IllegalArgumentException.class, () -> OwnerIds.parse("istio-proxy"));
    assertThrows(IllegalArgumentException.class, () -> OwnerIds.parse(","));
  }

  @Test
  void interfaceNamesFollowLinuxRules() {
    assertEquals(List.of(new InterfaceName("eth0"), new InterfaceName("veth+")), InterfaceName.parseList("eth0,veth+"));
    assertThrows(IllegalArgumentException.class, () -> new InterfaceName("a-name-too-long0"));
    assertThrows(IllegalArgumentException.class, () -> new InterfaceName("eth0 -j ACCEPT"));
    assertThrows(IllegalArgumentException.class, () -> new InterfaceName("a/b"));
  }
}
