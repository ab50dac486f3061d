package dev.outrigger.iptables.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CidrTest {
  @ParameterizedTest
  @CsvSource({
      "10.0.0.0/8, 10.0.0.0/8",
      "192.168.1.1/16, 192.168.0.0/16",
      "10.96.0.10/32, 10.96.0.10/32",
      "0.0.0.0/0, 0.0.0.0/0",
      "fd00::/8, fd00::/8",
      "fd00:1:0:0::5/64, fd00:1::/64",
      "::1/128, ::1/128",
      "::6/128, ::6/128",
      "2001:db8:0:1:0:0:0:1/128, 2001:db8:0:1::1/128",
      "2001:0:0:1:0:0:0:1/128, 2001:0:0:1::1/128",
      "2001:0:0:1:0:0:1:1/128, 2001::1:0:0:1:1/128",
      "1:0:1:0:1:0:1:0/128, 1:0:1:0:1:0:1:0/128"})
  void printsTheMaskedNetworkAsIptablesDoes(String input, String printed) {
    assertEquals(printed, Cidr.parse(input).toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0", "10.0.0.0/33", "fd00::/129", "example.com/8", "10.0.0/8", "*", "", "10.0.0.0/-1", "::ffff:10.0.0.1/104"})
  void refusesWhatIsNotACidr(String input) {
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse(input));
  }

  @Test
  void knowsItsFamilyAndWhetherItIsLoopback() {
    assertEquals(Family.IPV4, Cidr.parse("10.0.0.0/8").family());
    assertEquals(Family.IPV6, Cidr.parse("fd00::/8").family());
    assertTrue(Cidr.parse("127.0.0.1/32").isLoopback());
    assertTrue(Cidr.parse("::1/128").isLoopback());
    assertFalse(Cidr.parse("10.0.0.0/8").isLoopback());
  }

  @Test
  void listsSkipEmptyItemsLikeIstio() {
    assertEquals(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8")), Cidr.parseList(" 10.0.0.0/8,,fd00::/8 ,"));
    assertEquals(List.of(), Cidr.parseList(""));
  }

  @Test
  void equalityIsByNetwork() {
    assertEquals(Cidr.parse("10.1.2.3/8"), Cidr.parse("10.0.0.0/8"));
    assertEquals(Cidr.parse("10.1.2.3/8").hashCode(), Cidr.parse("10.0.0.0/8").hashCode());
  }
}
