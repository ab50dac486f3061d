package dev.outrigger.iptables.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.iptables.FakeBinaries;
import dev.outrigger.iptables.FakeRunner;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Ipv6HostTest {
  @TempDir Path dir;
  private final FakeRunner runner = new FakeRunner();

  private Ipv6Host host() {
    return new Ipv6Host(runner, FakeBinaries.in(dir, "ip"));
  }

  @Test
  void aGlobalAddressEnablesIpv6() throws Exception {
    runner.answer("ip", "3: orit0    inet6 fd00::2/64 scope global tentative \\       valid_lft forever preferred_lft forever\n");
    assertTrue(host().hasGlobalAddress());
    assertEquals(List.of(dir.resolve("ip").toString(), "-6", "-o", "addr", "show", "scope", "global"),
        runner.calls().get(0).command());
  }

  @Test
  void noGlobalAddressMeansIpv4Only() throws Exception {
    runner.answer("ip", "");
    assertFalse(host().hasGlobalAddress());
  }

  @Test
  void passthroughAddressIsAddedOnlyWhenMissing() throws Exception {
    runner.answer("ip", "1: lo    inet6 ::1/128 scope host \\       valid_lft forever preferred_lft forever\n");
    host().ensurePassthroughAddress();
    assertEquals(List.of("-6", "addr", "add", "::6/128", "dev", "lo"), runner.calls().get(1).command().subList(1, 7));

    FakeRunner present = new FakeRunner().answer("ip", "1: lo    inet6 ::6/128 scope global \\ valid_lft forever\n");
    new Ipv6Host(present, FakeBinaries.in(dir, "ip")).ensurePassthroughAddress();
    assertEquals(1, present.calls().size(), "already there: no add");
  }
}
