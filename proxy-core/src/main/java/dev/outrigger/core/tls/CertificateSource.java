package dev.outrigger.core.tls;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where this workload's certificate comes from (istiod's CA, or files) and when it changes. The
 * data path reads {@link #current()} for each new TLS connection, so a rotation applies to new
 * connections while open ones keep theirs.
 */
public interface CertificateSource extends AutoCloseable {
  /** The identity now; empty until the first certificate was issued or read. */
  Optional<IdentityMaterial> current();

  /** Called (on any thread) with each new identity, after {@link #current()} returns it. */
  void onChange(Consumer<IdentityMaterial> listener);

  /**
   * Attempts to get a new identity that failed (a CA call, files that could not be used); the
   * current identity, if any, stays.
   */
  long failures();

  @Override
  void close();
}
