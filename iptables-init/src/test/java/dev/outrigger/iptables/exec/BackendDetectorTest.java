package dev.outrigger.iptables.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outrigger.iptables.FakeBinaries;
import dev.outrigger.iptables.FakeRunner;
import dev.outrigger.iptables.net.Family;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackendDetectorTest {
  private static final String FOREIGN = "*nat\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -d 10.0.0.1/32 -j ACCEPT\nCOMMIT\n";
  private static final String OURS = "*nat\n:OUTPUT ACCEPT [0:0]\n:ISTIO_OUTPUT - [0:0]\n-A OUTPUT -p tcp -j ISTIO_OUTPUT\nCOMMIT\n";
  private static final String LOADED_ONLY = "*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n";

  @TempDir Path dir;
  private final FakeRunner runner = new FakeRunner();

  private DetectedBackend detect() throws IptablesException {
    return new BackendDetector(runner, FakeBinaries.all(dir)).detect(Family.IPV4);
  }

  @Test
  void withRulesNowhereTheSystemDefaultIsUsed() throws Exception {
    runner.answer("iptables-legacy-save", LOADED_ONLY);
    assertEquals("iptables-restore", detect().backend().restoreBinary());
  }

  @Test
  void theBackendWithRulesWinsNftFirst() throws Exception {
    runner.answer("iptables-nft-save", FOREIGN).answer("iptables-legacy-save", FOREIGN);
    assertEquals("iptables-nft-restore", detect().backend().restoreBinary());
  }

  @Test
  void legacyIsUsedWhenOnlyLegacyHasRules() throws Exception {
    runner.answer("iptables-legacy-save", OURS);
    DetectedBackend found = detect();
    assertEquals("legacy", found.backend().name());
    assertTrue(found.current().hasOwnedState(), "the current state comes from the chosen backend");
  }

  @Test
  void rulesInABackendWhoseRestoreIsMissingAreAMismatch() {
    runner.answer("iptables-legacy-save", FOREIGN);
    BackendDetector detector = new BackendDetector(runner,
        FakeBinaries.in(dir, "iptables-legacy-save", "iptables-nft-save", "iptables-nft-restore", "iptables-restore"));
    IptablesException e = assertThrows(IptablesException.class, () -> detector.detect(Family.IPV4));
    assertEquals("existing IPv4 rules are in legacy tables but iptables-legacy-restore is not installed "
        + "(iptables backend mismatch)", e.getMessage());
  }

  @Test
  void ourChainsInTheOtherBackendAreAMismatch() {
    runner.answer("iptables-nft-save", FOREIGN).answer("iptables-legacy-save", OURS);
    IptablesException e = assertThrows(IptablesException.class, this::detect);
    assertTrue(e.getMessage().startsWith("ISTIO_ chains exist in legacy tables while IPv4 rules go to nft"), e.getMessage());
  }

  @Test
  void noIptablesAtAllSaysWhatIsMissing() {
    BackendDetector detector = new BackendDetector(runner, FakeBinaries.in(dir, "ip"));
    IptablesException e = assertThrows(IptablesException.class, () -> detector.detect(Family.IPV4));
    assertTrue(e.getMessage().startsWith("iptables-restore not found (needed to apply IPv4 rules; searched "), e.getMessage());
  }

  @Test
  void cleanupLooksInEveryBackendOnce() throws Exception {
    runner.answer("iptables-nft-save", OURS).answer("iptables-legacy-save", OURS);
    var binaries = FakeBinaries.all(dir);
    FakeBinaries.link(dir, "iptables-save", "iptables-nft-save");
    var found = new BackendDetector(runner, binaries).withOwnedState(Family.IPV4);
    assertEquals(2, found.size(), "identical rules in both backends are still two sets to remove");
    assertEquals("nft", found.get(0).backend().name());
    assertEquals("legacy", found.get(1).backend().name());
    assertTrue(runner.callsTo("iptables-save").isEmpty(), "the alias of nft is not read again");
  }
}
