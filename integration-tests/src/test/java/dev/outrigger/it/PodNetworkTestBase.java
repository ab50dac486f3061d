package dev.outrigger.it;

import dev.outrigger.it.harness.PodNetwork;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * One pod network per test class, named after it, removed after the class even when its
 * set-up failed half way. Subclasses add their pods in their own @BeforeAll, which runs after this one.
 *
 * <p>Every wait in the harness is bounded; the timeout is the backstop so that a hang in a test
 * cannot eat CI's time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
public abstract class PodNetworkTestBase {
  protected PodNetwork network;

  /** 1-8 of [a-z0-9]: it names the bridge and prefixes the namespaces. */
  protected abstract String networkName();

  @BeforeAll
  final void createNetwork() {
    PodNetworkRequirement.check();
    network = PodNetwork.create(networkName());
  }

  @AfterAll
  final void removeNetwork() {
    if (network != null) {
      network.close();
    }
  }
}
