package dev.outrigger.agent.inject.webhook;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving certificate and key (PEM; the key in PKCS#8, "BEGIN PRIVATE KEY"), re-read when
 * either file changes so that a rotated Secret takes effect without a restart. A new pair that
 * does not load is logged and the previous one kept.
 */
final class CertificateFiles {
  private static final Logger log = LoggerFactory.getLogger(CertificateFiles.class);

  private final Path cert;
  private final Path key;
  // Read by every event loop on accept; a rare double reload after a rotation is harmless.
  private volatile Loaded current;

  private record Loaded(SslContext context, List<FileTime> times) {}

  /** Loads the pair now: a server that cannot serve TLS fails at startup, naming the file. */
  CertificateFiles(Path cert, Path key) throws IOException {
    this.cert = cert;
    this.key = key;
    this.current = load(times());
  }

  /** The context for a new connection, reloaded first if the files changed. */
  SslContext context() {
    Loaded loaded = current;
    try {
      List<FileTime> times = times();
      if (!times.equals(loaded.times())) {
        loaded = load(times);
        current = loaded;
        log.info("reloaded the serving certificate from {}", cert);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("keeping the previous serving certificate: {}", e.getMessage());
    }
    return loaded.context();
  }

  private List<FileTime> times() throws IOException {
    return List.of(Files.getLastModifiedTime(cert), Files.getLastModifiedTime(key));
  }

  private Loaded load(List<FileTime> times) throws IOException {
    try {
      return new Loaded(SslContextBuilder.forServer(cert.toFile(), key.toFile()).build(), times);
    } catch (SSLException | IllegalArgumentException e) {
      throw new IOException("cannot load the certificate " + cert + " and key " + key
          + " (expected: PEM, key in PKCS#8): " + e.getMessage(), e);
    }
  }
}
