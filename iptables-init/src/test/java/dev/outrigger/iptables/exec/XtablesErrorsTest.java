package dev.outrigger.iptables.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class XtablesErrorsTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "iptables-restore v1.8.9 (legacy): can't initialize iptables table `nat': Table does not exist (do you need to insmod?)\\n"
          + "Perhaps iptables or your kernel needs to be upgraded."
          + "|iptables-legacy-restore failed: the table is not available in the kernel (modules iptable_nat/ip6table_nat, nf_nat, "
          + "or nft_chain_nat missing?): iptables-restore v1.8.9 (legacy): can't initialize iptables table `nat': Table does not "
          + "exist (do you need to insmod?)",
      "iptables-restore v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)"
          + "|iptables-legacy-restore failed: permission denied (needs root with CAP_NET_ADMIN and CAP_NET_RAW): "
          + "iptables-restore v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)",
      "iptables-restore v1.8.9 (legacy): Couldn't load target `REDIRECT':No such file or directory\\n\\nError occurred at line: 7\\n"
          + "Try `iptables-restore -h' or 'iptables-restore --help' for more information."
          + "|iptables-legacy-restore failed: a kernel module a rule needs is missing (xt_REDIRECT, xt_owner, xt_tcpudp, nf_nat): "
          + "iptables-restore v1.8.9 (legacy): Couldn't load target `REDIRECT':No such file or directory",
      "iptables-restore v1.8.9 (nf_tables): \\nline 2: CHAIN_DEL failed (Device or resource busy): chain ISTIO_T"
          + "|iptables-legacy-restore failed: iptables-restore v1.8.9 (nf_tables): line 2: CHAIN_DEL failed (Device or "
          + "resource busy): chain ISTIO_T",
      "something new\\nsecond line|iptables-legacy-restore failed: something new"})
  void stderrBecomesOneLineSayingWhatIsMissing(String stderr, String expected) {
    CommandResult failed = new CommandResult(1, "", stderr.replace("\\n", "\n"));
    assertEquals(expected, XtablesErrors.describe("iptables-legacy-restore", failed));
  }
}
