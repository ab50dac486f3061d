package dev.outrigger.iptables.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.outrigger.iptables.GoldenCases;
import dev.outrigger.iptables.net.Family;
import dev.outrigger.iptables.plan.PlanBuilder;
import org.junit.jupiter.api.Test;

class RestoreScriptTest {
  @Test
  void dryRunFormIsRestoreInputWithReasonsAsComments() throws Exception {
    RestoreScript script = Reconciler.reconcile(PlanBuilder.build(ReconcilerTest.SEED, Family.IPV4), SavedRuleset.EMPTY);
    assertEquals(GoldenCases.resource("dry-run/seed-002.ipv4.restore"), script.render(true));
  }

  @Test
  void appliedFormHasNoComments() throws Exception {
    RestoreScript script = Reconciler.reconcile(PlanBuilder.build(ReconcilerTest.SEED, Family.IPV4), SavedRuleset.EMPTY);
    String text = script.render(false);
    assertFalse(text.contains("#"));
    assertEquals(GoldenCases.resource("dry-run/seed-002.ipv4.restore").lines().filter(l -> !l.startsWith("#")).toList(),
        text.lines().toList());
  }
}
