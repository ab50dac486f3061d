package dev.outrigger.iptables.exec;

import dev.outrigger.iptables.net.Family;
import dev.outrigger.iptables.restore.SaveParser;
import dev.outrigger.iptables.restore.SavedRuleset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks nf_tables or legacy the way istio-iptables does: the backend that already has rules in this
 * network namespace wins (nf_tables first), else the system default. Writing to the other one would
 * leave two rule sets that both see every packet, so ISTIO_ state in the unused backend is an error.
 */
public final class BackendDetector {
  private static final Logger log = LoggerFactory.getLogger(BackendDetector.class);

  private final CommandRunner runner;
  private final Binaries binaries;

  public BackendDetector(CommandRunner runner, Binaries binaries) {
    this.runner = runner;
    this.binaries = binaries;
  }

  public DetectedBackend detect(Family family) throws IptablesException {
    List<DetectedBackend> seen = new ArrayList<>();
    for (Backend candidate : List.of(Backend.nft(family), Backend.legacy(family))) {
      dump(candidate).ifPresent(rules -> seen.add(new DetectedBackend(candidate, rules)));
    }
    DetectedBackend chosen = seen.stream().filter(b -> b.current().inUse()).findFirst().orElse(null);
    if (chosen == null) {
      Backend fallback = Backend.systemDefault(family);
      binaries.require(fallback.restoreBinary(), "apply " + family + " rules");
      chosen = new DetectedBackend(fallback, dump(fallback).orElseThrow(() -> new IptablesException(
          fallback.saveBinary() + " not found or failing (needed to read the current " + family + " rules)")));
    } else if (binaries.find(chosen.backend().restoreBinary()).isEmpty()) {
      throw new IptablesException("existing " + family + " rules are in " + chosen.backend().name() + " tables but "
          + chosen.backend().restoreBinary() + " is not installed (iptables backend mismatch)");
    }
    for (DetectedBackend other : seen) {
      if (!other.backend().name().equals(chosen.backend().name()) && other.current().hasOwnedState()) {
        throw new IptablesException("ISTIO_ chains exist in " + other.backend().name() + " tables while " + family
            + " rules go to " + chosen.backend().name() + " (iptables backend mismatch); remove them with "
            + "'outrigger iptables --cleanup-only' or " + other.backend().saveBinary().replace("-save", ""));
      }
    }
    log.info("{} rules: using {} ({})", family, chosen.backend().restoreBinary(), chosen.backend().name());
    return chosen;
  }

  /** Every backend that has ISTIO_ state, for cleanup: leftovers in either one keep capturing. */
  public List<DetectedBackend> withOwnedState(Family family) throws IptablesException {
    List<DetectedBackend> found = new ArrayList<>();
    List<Path> seen = new ArrayList<>();
    for (Backend candidate : List.of(Backend.nft(family), Backend.legacy(family), Backend.systemDefault(family))) {
      Optional<Path> save = binaries.find(candidate.saveBinary()).map(BackendDetector::realPath);
      // The unsuffixed binaries are usually an alias of one of the others: do not clean twice.
      if (save.isEmpty() || seen.contains(save.get())) {
        continue;
      }
      seen.add(save.get());
      Optional<SavedRuleset> rules = dump(candidate);
      if (rules.isPresent() && rules.get().hasOwnedState()) {
        binaries.require(candidate.restoreBinary(), "remove " + family + " rules");
        found.add(new DetectedBackend(candidate, rules.get()));
      }
    }
    return found;
  }

  private static Path realPath(Path binary) {
    try {
      return binary.toRealPath();
    } catch (IOException e) {
      return binary;
    }
  }

  private Optional<SavedRuleset> dump(Backend backend) throws IptablesException {
    Optional<Path> save = binaries.find(backend.saveBinary());
    if (save.isEmpty()) {
      return Optional.empty();
    }
    try {
      CommandResult result = runner.run(List.of(save.get().toString()));
      if (!result.ok()) {
        log.debug("{} failed: {}", backend.saveBinary(), result.stderr());
        return Optional.empty();
      }
      return Optional.of(SaveParser.parse(result.stdout()));
    } catch (IOException e) {
      throw new IptablesException("could not run " + backend.saveBinary() + ": " + e.getMessage(), e);
    }
  }
}
