package dev.outrigger.iptables.exec;

import dev.outrigger.iptables.net.Family;
import java.util.List;

/**
 * One xtables implementation for one family: the nf_tables one, the legacy one, or whatever the
 * unsuffixed binaries point at. Rules written by one are invisible to the other's tools.
 */
public record Backend(String name, Family family, String saveBinary, String restoreBinary, List<String> restoreOptions) {
  // Legacy restore takes the xtables lock; wait for it rather than fail while kubelet or CNI holds it.
  private static final List<String> WAIT_FOR_LOCK = List.of("--wait=30");

  public static Backend nft(Family family) {
    return new Backend("nft", family, family.toolPrefix() + "-nft-save", family.toolPrefix() + "-nft-restore", List.of());
  }

  public static Backend legacy(Family family) {
    return new Backend("legacy", family, family.toolPrefix() + "-legacy-save", family.toolPrefix() + "-legacy-restore", WAIT_FOR_LOCK);
  }

  public static Backend systemDefault(Family family) {
    return new Backend("default", family, family.toolPrefix() + "-save", family.toolPrefix() + "-restore", WAIT_FOR_LOCK);
  }

  @Override
  public String toString() {
    return restoreBinary;
  }
}
