package dev.outrigger.core.config;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Where the data path reads the mesh configuration: one reference, swapped atomically by its
 * source (the environment once, or xDS on every update). Readers take one snapshot per decision.
 */
public final class ConfigStore {
  private final AtomicReference<MeshConfig> current = new AtomicReference<>(MeshConfig.EMPTY);

  public MeshConfig current() {
    return current.get();
  }

  /** Applies a change to the current snapshot; returns the new one. */
  public MeshConfig update(UnaryOperator<MeshConfig> change) {
    return current.updateAndGet(change);
  }
}
