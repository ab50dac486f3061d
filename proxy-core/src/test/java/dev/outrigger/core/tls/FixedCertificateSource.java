package dev.outrigger.core.tls;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A certificate source a test sets by hand (rotation included). */
final class FixedCertificateSource implements CertificateSource {
  private volatile IdentityMaterial identity;
  private final List<Consumer<IdentityMaterial>> listeners = new CopyOnWriteArrayList<>();

  FixedCertificateSource(IdentityMaterial identity) {
    this.identity = identity;
  }

  void rotate(IdentityMaterial next) {
    identity = next;
    listeners.forEach(l -> l.accept(next));
  }

  @Override
  public Optional<IdentityMaterial> current() {
    return Optional.ofNullable(identity);
  }

  @Override
  public void onChange(Consumer<IdentityMaterial> listener) {
    listeners.add(listener);
  }

  @Override
  public long failures() {
    return 0;
  }

  @Override
  public void close() {}
}
