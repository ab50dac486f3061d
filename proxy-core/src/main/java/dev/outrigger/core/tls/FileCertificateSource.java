package dev.outrigger.core.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An identity mounted as files (Istio's FILE_MOUNTED_CERTS; cert-manager, istio-csr, a VM's
 * provisioned certs), read again when they change.
 *
 * <p>Changes are found by polling the files' contents (a SHA-256 over all three), not their mtimes
 * or a WatchService: Kubernetes secret volumes and cert-manager swap a "..data" symlink, which
 * neither changes the mtime of the path read nor raises an event for it, while a content read
 * follows the symlink to whatever it names now. A change is read again after a short settle time
 * (Istio's FILE_DEBOUNCE_DURATION, 100 ms) so that files written one after another are taken
 * together; a set that still does not parse, or whose key is not the leaf's, is refused with a log
 * line and {@link #reloadFailures()}, and the last good identity stays.
 */
public final class FileCertificateSource implements CertificateSource {
  private static final Logger log = LoggerFactory.getLogger(FileCertificateSource.class);
  static final Duration SETTLE = Duration.ofMillis(100);

  private final CertificateFiles files;
  private final ScheduledExecutorService poller;
  private final List<Consumer<IdentityMaterial>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong reloadFailures = new AtomicLong();
  private volatile Optional<IdentityMaterial> current = Optional.empty();
  /** The content hash last acted on (applied or refused), so that a refused set is logged once. */
  private byte[] lastSeen;

  private FileCertificateSource(CertificateFiles files) {
    this.files = files;
    this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "outrigger-cert-files");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Reads the files now (so that {@link #current()} has them when they are there and good), then
   * every {@code pollInterval}.
   */
  public static FileCertificateSource start(CertificateFiles files, Duration pollInterval) {
    FileCertificateSource source = new FileCertificateSource(files);
    source.poll(Duration.ZERO);
    source.poller.scheduleWithFixedDelay(() -> source.poll(SETTLE), pollInterval.toMillis(), pollInterval.toMillis(),
        TimeUnit.MILLISECONDS);
    return source;
  }

  @Override
  public Optional<IdentityMaterial> current() {
    return current;
  }

  @Override
  public void onChange(Consumer<IdentityMaterial> listener) {
    listeners.add(listener);
  }

  /** Sets of files that changed but could not be used (unreadable, unparsable, key not the leaf's). */
  public long reloadFailures() {
    return reloadFailures.get();
  }

  @Override
  public long failures() {
    return reloadFailures();
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }

  private synchronized void poll(Duration settle) {
    try {
      Contents seen = Contents.read(files);
      if (seen == null || Arrays.equals(seen.hash, lastSeen)) {
        return;
      }
      if (!settle.isZero()) {
        Thread.sleep(settle.toMillis());
        Contents settled = Contents.read(files);
        if (settled == null || !Arrays.equals(settled.hash, seen.hash)) {
          return; // still being written: the next poll takes it
        }
      }
      lastSeen = seen.hash;
      apply(seen);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      refused(e);
    }
  }

  private void apply(Contents contents) {
    IdentityMaterial material;
    try {
      material = PemIdentity.parse(contents.chain, contents.key, contents.roots);
    } catch (IOException | RuntimeException e) {
      refused(e);
      return;
    }
    boolean first = current.isEmpty();
    current = Optional.of(material);
    log.info("{} identity from {}: {}", first ? "read the" : "rotated the", files, IdentityDescription.of(material));
    for (Consumer<IdentityMaterial> listener : listeners) {
      try {
        listener.accept(material);
      } catch (RuntimeException e) {
        log.warn("a certificate listener failed on {}", IdentityDescription.of(material), e);
      }
    }
  }

  private void refused(Exception e) {
    reloadFailures.incrementAndGet();
    log.warn("certificate files {} changed but cannot be used ({}); {}", files, e.getMessage(),
        current.map(m -> "keeping " + IdentityDescription.of(m)).orElse("no identity yet"));
  }

  /** The three files' text and a hash over them; null while one of them is missing. */
  private record Contents(String chain, String key, String roots, byte[] hash) {
    static Contents read(CertificateFiles files) throws IOException {
      try {
        byte[] chain = Files.readAllBytes(files.chain());
        byte[] key = Files.readAllBytes(files.key());
        byte[] roots = Files.readAllBytes(files.roots());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (byte[] part : List.of(chain, key, roots)) {
          sha.update(Integer.toString(part.length).getBytes(StandardCharsets.US_ASCII));
          sha.update(part);
        }
        return new Contents(new String(chain, StandardCharsets.US_ASCII), new String(key, StandardCharsets.US_ASCII),
            new String(roots, StandardCharsets.US_ASCII), sha.digest());
      } catch (NoSuchFileException missing) {
        return null;
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
