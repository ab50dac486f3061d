package dev.outrigger.iptables.restore;

import dev.outrigger.iptables.plan.Rule;
import java.util.List;

/** The input for one {@code iptables-restore --noflush} call: one section per table. */
public record RestoreScript(List<TableEdit> edits) {
  public RestoreScript {
    edits = edits.stream().filter(edit -> !edit.isEmpty()).toList();
  }

  public boolean isEmpty() {
    return edits.isEmpty();
  }

  /** @param withReasons precede each line with a "#" comment (iptables-restore skips those lines) */
  public String render(boolean withReasons) {
    StringBuilder text = new StringBuilder();
    for (TableEdit edit : edits) {
      text.append('*').append(edit.table().name()).append('\n');
      edit.declaredChains().forEach(chain -> text.append(':').append(chain).append(" - [0:0]\n"));
      for (SavedRule stale : edit.deletions()) {
        comment(text, withReasons, "stale jump into an ISTIO_ chain");
        text.append(stale.deleteLine()).append('\n');
      }
      if (withReasons && !edit.removedChains().isEmpty()) {
        comment(text, true, "ISTIO_ chains that are no longer wanted");
      }
      edit.removedChains().forEach(chain -> text.append("-F ").append(chain).append('\n'));
      edit.removedChains().forEach(chain -> text.append("-X ").append(chain).append('\n'));
      for (Rule rule : edit.appends()) {
        comment(text, withReasons, rule.reason());
        text.append(rule.restoreLine()).append('\n');
      }
      text.append("COMMIT\n");
    }
    return text.toString();
  }

  private static void comment(StringBuilder text, boolean enabled, String reason) {
    if (enabled) {
      text.append("# ").append(reason).append('\n');
    }
  }

  /** Appended rules, for the summary printed after a successful apply. */
  public List<Rule> appends() {
    return edits.stream().flatMap(edit -> edit.appends().stream()).toList();
  }
}
