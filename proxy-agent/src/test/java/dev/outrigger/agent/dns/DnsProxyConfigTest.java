package dev.outrigger.agent.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class DnsProxyConfigTest {
  private static final InetSocketAddress V4 = new InetSocketAddress("10.96.0.10", 53);
  private static final InetSocketAddress V6 = new InetSocketAddress("fd00::10", 53);

  private static List<String> listen(String address, InetSocketAddress... nameservers) {
    return DnsProxyConfig.listenAddresses(address, List.of(nameservers)).stream()
        .map(a -> a.getAddress().getHostAddress() + " " + a.getPort()).toList();
  }

  @Test
  void localhostIsTheLoopbackOfEachFamilyTheNameserversHave() {
    assertEquals(List.of("127.0.0.1 15053"), listen("localhost:15053", V4));
    assertEquals(List.of("0:0:0:0:0:0:0:1 15053"), listen("localhost:15053", V6));
    assertEquals(List.of("127.0.0.1 15053", "0:0:0:0:0:0:0:1 15053"), listen("localhost:15053", V6, V4));
    assertEquals(List.of("127.0.0.1 15053"), listen("localhost:15053"));
  }

  @Test
  void aLiteralAddressIsThatAddressAlone() {
    assertEquals(List.of("127.0.0.2 5353"), listen("127.0.0.2:5353", V4, V6));
    assertEquals(List.of("0:0:0:0:0:0:0:1 15053"), listen("[::1]:15053", V4));
  }
}
